package dev.billing.batch;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.DoubleSupplier;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.ChunkListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;

/**
 * Prints a step's progress on long work: items done, rate and, where the step knows it, the share done. At most
 * one line per interval, and one at the end of the step.
 */
public class ProgressListener implements ChunkListener<Object, Object>, StepExecutionListener {

    private final String label;
    private final DoubleSupplier fractionDone;
    private final long total;
    private final PrintStream out;
    private final long intervalNanos;
    private StepExecution stepExecution;
    private long startNanos;
    private long lastPrintNanos;
    private long startCount;

    /** {@code fractionDone} may return a negative number when the total is not known. */
    public ProgressListener(String label, DoubleSupplier fractionDone, PrintStream out, Duration interval) {
        this(label, fractionDone, -1, out, interval);
    }

    /** Progress towards a known number of items. */
    public ProgressListener(String label, long total, PrintStream out, Duration interval) {
        this(label, () -> -1, total, out, interval);
    }

    private ProgressListener(String label, DoubleSupplier fractionDone, long total, PrintStream out, Duration interval) {
        this.label = label;
        this.fractionDone = fractionDone;
        this.total = total;
        this.out = out;
        this.intervalNanos = interval.toNanos();
    }

    @Override
    public void beforeStep(StepExecution stepExecution) {
        this.stepExecution = stepExecution;
        this.startNanos = System.nanoTime();
        this.lastPrintNanos = startNanos;
        this.startCount = stepExecution.getReadCount();
    }

    @Override
    public void afterChunk(Chunk<Object> chunk) {
        maybePrint();
    }

    /** Spring Batch 6.0 reports a tasklet step's chunks only through this callback, deprecated for its chunk-oriented steps. */
    @Override
    @SuppressWarnings("removal")
    public void afterChunk(ChunkContext context) {
        maybePrint();
    }

    private void maybePrint() {
        long now = System.nanoTime();
        if (out != null && now - lastPrintNanos >= intervalNanos) {
            lastPrintNanos = now;
            out.println(line(now));
        }
    }

    @Override
    public ExitStatus afterStep(StepExecution stepExecution) {
        if (out != null && stepExecution.getReadCount() > 0 && System.nanoTime() - startNanos >= intervalNanos) {
            out.println(line(System.nanoTime()));
        }
        return stepExecution.getExitStatus();
    }

    private String line(long now) {
        long done = stepExecution.getReadCount();
        double seconds = Math.max(1e-3, (now - startNanos) / 1e9);
        double rate = (done - startCount) / seconds;
        double fraction = total > 0 ? Math.min(1.0, (double) done / total) : fractionDone.getAsDouble();
        String of = total > 0 ? String.format(" of %,d", total) : "";
        StringBuilder text = new StringBuilder(String.format("%s: %,d%s done, %,.0f/s", label, done, of, rate));
        if (fraction >= 0) {
            text.append(String.format(", %.0f%%", fraction * 100));
            if (fraction > 0 && fraction < 1) {
                text.append(String.format(", about %ds left", Math.round(seconds * (1 - fraction) / fraction)));
            }
        }
        return text.toString();
    }
}
