package dev.billing.batch;

import java.time.Duration;
import java.util.List;

/**
 * What a {@link PipelineTasklet} drives: work read and called in the background, its results taken in chunks. One
 * {@link CallPipeline}, or {@link Lanes} of several (one per gateway account).
 */
public interface Pipeline<R> extends AutoCloseable {

    void start();

    /** Up to {@code max} results, waiting for the first one; an empty list when everything has been taken. */
    List<R> take(int max) throws InterruptedException;

    /** True when nothing more will come. */
    boolean drained();

    /** The result that stopped the run, if one did. */
    R stoppedBy();

    /** Why reading work failed, if it did. */
    RuntimeException feederFailure();

    /** Stops starting calls and waits (up to {@code wait}) for those in flight; returns every result not taken yet. */
    List<R> finish(Duration wait) throws InterruptedException;

    @Override
    void close();
}
