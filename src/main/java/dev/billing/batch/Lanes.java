package dev.billing.batch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Several {@link CallPipeline}s side by side, one per gateway account, their results taken together in chunks. Each
 * lane has its own feeder, callers and window, so one account's slow gateway never holds back another's calls: a chunk
 * takes whatever results are ready, from any lane. A lane stopped by its gateway (misconfigured, unreachable) stops
 * only itself; the others go on, and the step then fails with that lane's reason, for a restart once it is fixed.
 */
public final class Lanes<R> implements Pipeline<R> {

    private final List<CallPipeline<?, R>> lanes;

    public Lanes(List<CallPipeline<?, R>> lanes) {
        if (lanes.isEmpty()) {
            throw new IllegalArgumentException("no lane");
        }
        this.lanes = List.copyOf(lanes);
    }

    @Override
    public void start() {
        lanes.forEach(CallPipeline::start);
    }

    @Override
    public List<R> take(int max) throws InterruptedException {
        List<R> batch = new ArrayList<>(max);
        while (true) {
            drainInto(batch, max);
            if (!batch.isEmpty()) {
                // let a few more arrive to fill the chunk, but never hold results back for long (as one pipeline does)
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
                while (batch.size() < max && System.nanoTime() < deadline && !drained()) {
                    pause();
                    drainInto(batch, max);
                }
                return batch;
            }
            if (drained()) {
                return batch;
            }
            pause();
        }
    }

    private static void pause() throws InterruptedException {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
    }

    private void drainInto(List<R> batch, int max) {
        for (CallPipeline<?, R> lane : lanes) {
            if (batch.size() >= max) {
                return;
            }
            batch.addAll(lane.takeReady(max - batch.size()));
        }
    }

    @Override
    public boolean drained() {
        return lanes.stream().allMatch(CallPipeline::drained);
    }

    @Override
    public R stoppedBy() {
        return lanes.stream().map(CallPipeline::stoppedBy).filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    @Override
    public RuntimeException feederFailure() {
        return lanes.stream().map(CallPipeline::feederFailure).filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    @Override
    public List<R> finish(Duration wait) throws InterruptedException {
        lanes.forEach(CallPipeline::stopStarting);
        List<R> rest = new ArrayList<>();
        for (CallPipeline<?, R> lane : lanes) {
            rest.addAll(lane.finish(wait));
        }
        return rest;
    }

    @Override
    public void close() {
        lanes.forEach(CallPipeline::close);
    }
}
