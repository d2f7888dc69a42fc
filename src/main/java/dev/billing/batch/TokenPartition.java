package dev.billing.batch;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * One partition of a night's tokens: those whose name hashes into the {@code index}-th of {@code count} equal ranges of
 * buckets. A token's orders
 * are all in one partition, so its charges stay in one worker, in order (the card-limit and decline rules read a
 * token's earlier attempts of the night). The hash is PostgreSQL's {@code hashtext}: the same for one token on every
 * node, since every node asks the same database.
 */
public record TokenPartition(int index, int count) {

    /** Every token: a step that is not partitioned, or a night of one partition. */
    public static final TokenPartition WHOLE = new TokenPartition(0, 1);

    static final String INDEX = "partition.index";
    static final String COUNT = "partition.count";

    /**
     * A token's bucket is {@code hashtext(token_name) & 1023}; a partition is a range of buckets. The database keeps
     * statistics of that expression on orders and tokens (V27), so the planner knows how many due orders a partition
     * holds. It could not for the modulo of before ({@code % count = index}), which it took for half a percent of the
     * rows: over a month of nights, with ever fewer orders due among all, it then read every due order of the night and
     * sorted them for each page of 500 (80 ms a page instead of 3 at 1,300,000 orders, the night's charging down by a
     * third).
     */
    static final int BUCKETS = 1024;

    public TokenPartition {
        if (count < 1 || index < 0 || index >= count || count > BUCKETS) {
            throw new IllegalArgumentException("no partition " + index + " of " + count + (count > BUCKETS ? " (at most " + BUCKETS + ")" : ""));
        }
    }

    /** The partition a worker step execution was given (WHOLE for a step that is not a partition). */
    public static TokenPartition of(ExecutionContext context) {
        return context.containsKey(COUNT) ? new TokenPartition(context.getInt(INDEX), context.getInt(COUNT)) : WHOLE;
    }

    /** An SQL condition, {@code AND ...}, keeping the rows whose token (named by {@code column}) is in this partition. */
    public String filter(String column) {
        return count == 1 ? "" : " AND (hashtext(" + column + ") & " + (BUCKETS - 1) + ") BETWEEN " + firstBucket() + " AND "
                + (nextFirstBucket() - 1) + " ";
    }

    private int firstBucket() {
        return index * BUCKETS / count;
    }

    private int nextFirstBucket() {
        return (index + 1) * BUCKETS / count;
    }

    @Override
    public String toString() {
        return count == 1 ? "all tokens" : "tokens of partition " + (index + 1) + " of " + count;
    }

    /** Splits the tokens into {@code gridSize} partitions. */
    public static Partitioner partitioner() {
        return gridSize -> {
            Map<String, ExecutionContext> partitions = new LinkedHashMap<>();
            for (int i = 0; i < gridSize; i++) {
                ExecutionContext context = new ExecutionContext();
                context.putInt(INDEX, i);
                context.putInt(COUNT, gridSize);
                partitions.put("partition" + i, context);
            }
            return partitions;
        };
    }
}
