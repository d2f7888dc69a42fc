package dev.billing.refunds;

import com.opencsv.CSVReader;
import com.opencsv.ICSVWriter;
import com.opencsv.exceptions.CsvException;
import dev.billing.audit.AuditLog;
import dev.billing.batch.CallPipeline;
import dev.billing.support.AtomicFiles;
import dev.billing.support.CardNumbers;
import dev.billing.support.EngineProperties;
import dev.billing.support.EngineThreads;
import dev.billing.support.OperatorException;
import dev.billing.support.SafeCsvWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;

/**
 * Many refunds at once from a CSV file ({@code order_id,amount,currency,reason}; an empty amount is what is left), as
 * APS's batch service takes them: each row is a request of its own, up to the gateway's budget in flight, the rows of
 * one order one after the other. A row is known by the file's SHA-256 and its line number, so the same file run again
 * asks nothing twice: what came of each row is reported again, and a refund left in flight is settled first. Rows that
 * are refused, or that the gateway refused, are written with their reasons to {@code <reports>/rejects/}.
 */
@Component
public class RefundFile {

    /** The columns, found by their header names. */
    static final List<String> COLUMNS = List.of("order_id", "amount", "currency", "reason");

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** What came of a file: the count of each result, and where its rejected rows are (null when there were none). */
    public record Summary(Map<RefundService.Result, Integer> counts, Path rejects) {

        public int count(RefundService.Result result) {
            return counts.getOrDefault(result, 0);
        }
    }

    /** One data row of the file: its text, and what it asks for, or why it cannot be read. */
    private record Row(long line, String text, RefundService.Ask ask, String problem) {
    }

    private record Done(Row row, RefundService.Outcome outcome) {
    }

    private final RefundService refunds;
    private final EngineThreads threads;
    private final Path reportsDir;
    private final AuditLog audit;

    public RefundFile(RefundService refunds, EngineThreads threads, EngineProperties engine, AuditLog audit) {
        this.refunds = refunds;
        this.audit = audit;
        this.threads = threads;
        this.reportsDir = engine.reports().dir();
    }

    /** Refunds the file's rows in {@code user}'s name; {@code progress} hears of every 1,000th row done. */
    public Summary refund(Path file, String user, Consumer<String> progress) throws InterruptedException {
        String sha256 = sha256(file);
        List<Row> rows = read(file, sha256, user);
        refunds.settleOpen();
        // one refund of a charge is in flight at a time: an order's second row waits for the next round
        List<List<Row>> rounds = new ArrayList<>();
        Map<String, Integer> seen = new java.util.HashMap<>();
        List<Done> done = new ArrayList<>(rows.size());
        for (Row row : rows) {
            if (row.ask() == null) {
                done.add(new Done(row, new RefundService.Outcome(RefundService.Result.REFUSED, null, null, row.problem())));
                continue;
            }
            int round = seen.merge(row.ask().orderId(), 1, Integer::sum) - 1;
            while (rounds.size() <= round) {
                rounds.add(new ArrayList<>());
            }
            rounds.get(round).add(row);
        }
        for (List<Row> round : rounds) {
            done.addAll(refundRound(round, rows.size(), done.size(), progress));
        }
        Map<RefundService.Result, Integer> counts = new java.util.EnumMap<>(RefundService.Result.class);
        List<Done> rejected = new ArrayList<>();
        for (Done d : done) {
            counts.merge(d.outcome().result(), 1, Integer::sum);
            if (d.outcome().result() == RefundService.Result.REFUSED || d.outcome().result() == RefundService.Result.FAILED) {
                rejected.add(d);
            }
        }
        rejected.sort(java.util.Comparator.comparingLong(d -> d.row().line()));
        Path rejects = rejected.isEmpty() ? null : writeRejects(file, rejected);
        Summary summary = new Summary(counts, rejects);
        audit.append(user, "REFUND_FILE", file.getFileName() + " (sha256 " + sha256 + ")", String.format(
                "%d rows: %d refunded, %d waiting for approval, %d rejected, %d not known yet", rows.size(),
                summary.count(RefundService.Result.REFUNDED), summary.count(RefundService.Result.WAITING),
                summary.count(RefundService.Result.REFUSED) + summary.count(RefundService.Result.FAILED),
                summary.count(RefundService.Result.UNKNOWN)));
        return summary;
    }

    /** A row whose refund is to be sent. */
    private record Item(Row row, RefundService.Sending sending) {
    }

    /** What came of a row: what the gateway said (to be settled), or its outcome already. */
    private record Called(Row row, RefundService.Reply reply, RefundService.Outcome outcome) {
    }

    /**
     * Refunds rows of distinct orders through a {@link CallPipeline}: a feeder asks for a page of them (their ledger
     * rows committed in one transaction), the gateway's budget of calls is kept in flight, and what comes back is
     * settled in chunks, one transaction each.
     */
    private List<Done> refundRound(List<Row> round, int total, int before, Consumer<String> progress) throws InterruptedException {
        int page = Math.max(32, 2 * refunds.concurrency());
        int chunk = 2 * page;
        java.util.Iterator<Row> next = round.iterator();
        CallPipeline<Item, Called> pipeline = new CallPipeline<>("refunds", results -> {
            // an empty page ends the work: pages whose rows all came back without a call (asked before) are read past
            List<Item> items = new ArrayList<>(page);
            while (items.isEmpty() && next.hasNext()) {
                List<Row> rowsOfPage = new ArrayList<>(page);
                while (next.hasNext() && rowsOfPage.size() < page) {
                    rowsOfPage.add(next.next());
                }
                List<RefundService.Asked> asked = refunds.askAll(rowsOfPage.stream().map(Row::ask).toList());
                for (int i = 0; i < asked.size(); i++) {
                    if (asked.get(i).done() != null) {
                        results.accept(new Called(rowsOfPage.get(i), null, asked.get(i).done()));
                    } else {
                        items.add(new Item(rowsOfPage.get(i), asked.get(i).send()));
                    }
                }
            }
            return items;
        }, item -> new Called(item.row(), refunds.call(item.sending()), null), item -> item.row().ask().orderId(),
                item -> new Called(item.row(), null, new RefundService.Outcome(RefundService.Result.UNKNOWN, null, item.sending().reference(),
                        "not sent: the next refund command asks the gateway about " + item.sending().reference())),
                called -> false, refunds.concurrency(), refunds.concurrency() + 2 * chunk, threads);
        List<Done> done = new ArrayList<>(round.size());
        pipeline.start();
        try {
            while (true) {
                List<Called> batch = pipeline.take(chunk);
                if (batch.isEmpty()) {
                    break;
                }
                List<Called> toSettle = batch.stream().filter(c -> c.reply() != null).toList();
                List<RefundService.Outcome> settled = refunds.settleAll(toSettle.stream().map(Called::reply).toList());
                for (int i = 0; i < toSettle.size(); i++) {
                    done.add(new Done(toSettle.get(i).row(), settled.get(i)));
                }
                batch.stream().filter(c -> c.reply() == null).forEach(c -> done.add(new Done(c.row(), c.outcome())));
                int before1000 = (before + done.size() - batch.size()) / 1000;
                if ((before + done.size()) / 1000 > before1000) {
                    progress.accept(String.format("%,d of %,d rows done", before + done.size(), total));
                }
            }
            if (pipeline.feederFailure() != null) {
                throw pipeline.feederFailure();
            }
        } finally {
            pipeline.close();
        }
        return done;
    }

    private List<Row> read(Path file, String sha256, String user) {
        try (Reader reader = new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8);
             CSVReader csv = new CSVReader(reader)) {
            List<String[]> lines = csv.readAll();
            if (lines.isEmpty()) {
                throw new OperatorException(file.getFileName() + " is empty: its first line names the columns " + String.join(",", COLUMNS));
            }
            Map<String, Integer> at = new LinkedHashMap<>();
            String[] header = lines.get(0);
            for (int i = 0; i < header.length; i++) {
                at.put(header[i].strip().replace("\uFEFF", "").toLowerCase(Locale.ROOT), i);
            }
            List<String> missing = COLUMNS.stream().filter(c -> !at.containsKey(c)).toList();
            if (missing.contains("order_id") || missing.contains("reason")) {
                throw new OperatorException(file.getFileName() + " has no column " + String.join(", ", missing) + ": its first line names the"
                        + " columns " + String.join(",", COLUMNS) + " (amount and currency may be left empty)");
            }
            List<Row> rows = new ArrayList<>(lines.size() - 1);
            for (int i = 1; i < lines.size(); i++) {
                String[] fields = lines.get(i);
                long line = i + 1L;
                if (fields.length == 1 && fields[0].isBlank()) {
                    continue;
                }
                String orderId = field(fields, at, "order_id");
                String problem = orderId.isEmpty() ? "order_id is empty" : CardNumbers.contains(String.join(",", fields))
                        ? "the row holds what looks like a card number; it was not read" : null;
                rows.add(new Row(line, String.join(",", fields), problem != null ? null : new RefundService.Ask(orderId,
                        field(fields, at, "amount"), field(fields, at, "currency"), field(fields, at, "reason"), user, sha256, line), problem));
            }
            return rows;
        } catch (IOException | CsvException e) {
            throw new OperatorException("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static String field(String[] fields, Map<String, Integer> at, String column) {
        Integer i = at.get(column);
        return i == null || i >= fields.length ? "" : fields[i].strip();
    }

    private Path writeRejects(Path file, List<Done> rejected) {
        String name = file.getFileName().toString();
        String base = name.endsWith(".csv") ? name.substring(0, name.length() - 4) : name;
        Path target = reportsDir.resolve("rejects").resolve(base + "-" + STAMP.format(Instant.now()) + ".csv");
        AtomicFiles.write(target, writer -> {
            ICSVWriter csv = new SafeCsvWriter(writer);
            csv.writeNext(new String[] {"line_number", "reason", "row"}, false);
            for (Done d : rejected) {
                csv.writeNext(new String[] {Long.toString(d.row().line()), d.outcome().message(), CardNumbers.mask(d.row().text())}, false);
            }
            csv.flush();
        });
        return target;
    }

    private static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new OperatorException("cannot read " + file + ": " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
