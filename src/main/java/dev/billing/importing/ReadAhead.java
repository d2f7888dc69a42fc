package dev.billing.importing;

import dev.billing.support.EngineThreads;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

/**
 * Reads and checks an input file's lines on a thread of its own, ahead of the step, so that the file is parsed on one
 * core while the previous chunk is written to the database on the other. The step is handed the checked rows in the
 * file's order; what is saved for a restart is the lines the step has been handed (not those read ahead), so a
 * restart continues after the last committed chunk exactly as it would without reading ahead.
 */
public class ReadAhead<T> implements ItemStreamReader<ImportRow<T>> {

    private static final int BATCH = 500;
    private static final int BATCHES_AHEAD = 64;

    private record Batch<T>(List<ImportRow<T>> rows, Throwable failure, boolean last) {
    }

    private final CsvLineReader lines;
    private final Function<CsvLine, ImportRow<T>> check;
    private final EngineThreads threads;
    private final BlockingQueue<Batch<T>> queue = new ArrayBlockingQueue<>(BATCHES_AHEAD);
    private Thread thread;
    private volatile boolean stopping;
    private Iterator<ImportRow<T>> current = Collections.emptyIterator();
    private boolean ended;
    private long handedOn;

    ReadAhead(CsvLineReader lines, Function<CsvLine, ImportRow<T>> check, EngineThreads threads) {
        this.lines = lines;
        this.check = check;
        this.threads = threads;
    }

    @Override
    public void open(ExecutionContext context) {
        lines.open(context); // the header is checked here, before the step starts
        handedOn = lines.linesConsumed();
        stopping = false;
        thread = threads.thread("import-read-ahead", this::readAll);
        thread.start();
    }

    private void readAll() {
        try {
            List<ImportRow<T>> batch = new ArrayList<>(BATCH);
            for (CsvLine line = lines.read(); line != null && !stopping; line = lines.read()) {
                batch.add(check.apply(line));
                if (batch.size() == BATCH) {
                    hand(new Batch<>(batch, null, false));
                    batch = new ArrayList<>(BATCH);
                }
            }
            hand(new Batch<>(batch, null, true));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | Error e) {
            try {
                hand(new Batch<>(List.of(), e, true));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void hand(Batch<T> batch) throws InterruptedException {
        while (!stopping && !queue.offer(batch, 100, TimeUnit.MILLISECONDS)) {
            // the step is still writing; wait for room
        }
    }

    @Override
    public ImportRow<T> read() throws Exception {
        while (!current.hasNext()) {
            if (ended || thread == null) {
                return null;
            }
            Batch<T> batch = queue.take();
            ended = batch.last();
            if (batch.failure() != null) {
                throw rethrown(batch.failure());
            }
            current = batch.rows().iterator();
        }
        ImportRow<T> row = current.next();
        handedOn = row.lineNumber() - 1; // the header is line 1
        return row;
    }

    private static Exception rethrown(Throwable failure) {
        if (failure instanceof Error error) {
            throw error;
        }
        return (Exception) failure;
    }

    @Override
    public void update(ExecutionContext context) {
        lines.save(context, handedOn);
    }

    @Override
    public void close() {
        stopping = true;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ItemStreamException("interrupted while stopping the import's reader", e);
            } finally {
                thread = null;
                queue.clear();
                current = Collections.emptyIterator();
                ended = false;
            }
        }
        lines.close();
    }

    /** How far through the file the reading is, from 0 to 1. */
    public double progress() {
        return lines.progress();
    }
}
