package dev.billing.importing;

import java.util.ArrayList;
import java.util.List;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * One chunk of an import per call, in the call's transaction: up to {@code chunkSize} checked rows from the reader,
 * written by the file's writer. The step saves the reader's position with every commit (it is registered as the
 * step's stream), so a restart continues after the last committed chunk, as a chunk-oriented step would; but the
 * rows are taken in one go, without the per-row callbacks and bookkeeping of a chunk-oriented step, which at a
 * million rows cost more than the rows themselves. Every row read counts as read and written, rejected or not.
 */
final class ImportTasklet<T> implements Tasklet {

    private final ReadAhead<T> reader;
    private final ImportWriter<T> writer;
    private final int chunkSize;

    ImportTasklet(ReadAhead<T> reader, ImportWriter<T> writer, int chunkSize) {
        this.reader = reader;
        this.writer = writer;
        this.chunkSize = chunkSize;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        List<ImportRow<T>> rows = new ArrayList<>(chunkSize);
        while (rows.size() < chunkSize) {
            ImportRow<T> row = reader.read();
            if (row == null) {
                break;
            }
            rows.add(row);
        }
        if (!rows.isEmpty()) {
            writer.write(new Chunk<>(rows));
            for (int i = 0; i < rows.size(); i++) {
                contribution.incrementReadCount();
            }
            contribution.incrementWriteCount(rows.size());
        }
        return RepeatStatus.continueIf(rows.size() == chunkSize);
    }
}
