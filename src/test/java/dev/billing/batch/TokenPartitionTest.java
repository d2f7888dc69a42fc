package dev.billing.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.batch.infrastructure.item.ExecutionContext;

class TokenPartitionTest {

    @Test
    void oneWholePartitionAddsNoCondition() {
        assertThat(TokenPartition.WHOLE.filter("o.token_name")).isEmpty();
        assertThat(TokenPartition.of(new ExecutionContext())).isEqualTo(TokenPartition.WHOLE);
    }

    @Test
    void aPartitionsConditionStandsBetweenOtherClauses() {
        String filter = new TokenPartition(2, 3).filter("o.token_name");

        assertThat(filter).isEqualTo(" AND (hashtext(o.token_name) & 1023) BETWEEN 682 AND 1023 ");
        assertThat("WHERE x = 1" + filter + "ORDER BY id").contains("1023 ORDER BY");
    }

    @Test
    void thePartitionsOfACountTakeEveryBucketOnceInRangesOfNearlyOneSize() {
        for (int count : new int[] {2, 3, 6, 7, 1024}) {
            int next = 0;
            for (int index = 0; index < count; index++) {
                java.util.regex.Matcher range = java.util.regex.Pattern.compile("BETWEEN (\\d+) AND (\\d+)")
                        .matcher(new TokenPartition(index, count).filter("t"));
                assertThat(range.find()).isTrue();
                int first = Integer.parseInt(range.group(1));
                int last = Integer.parseInt(range.group(2));
                assertThat(first).as("partition %d of %d starts where the one before ended", index, count).isEqualTo(next);
                assertThat(last - first + 1).isBetween(1024 / count, 1024 / count + 1);
                next = last + 1;
            }
            assertThat(next).as("the last partition of %d ends at the last bucket", count).isEqualTo(1024);
        }
    }

    @Test
    void thePartitionerGivesEachPartitionItsIndexAndTheirCount() {
        Map<String, ExecutionContext> partitions = TokenPartition.partitioner().partition(3);

        assertThat(partitions).containsOnlyKeys("partition0", "partition1", "partition2");
        assertThat(TokenPartition.of(partitions.get("partition1"))).isEqualTo(new TokenPartition(1, 3));
    }

    @Test
    void thereIsNoPartitionOutsideTheCount() {
        assertThatThrownBy(() -> new TokenPartition(3, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenPartition(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenPartition(0, 1025)).hasMessage("no partition 0 of 1025 (at most 1024)");
    }
}
