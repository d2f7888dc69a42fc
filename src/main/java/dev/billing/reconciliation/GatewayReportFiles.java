package dev.billing.reconciliation;

import com.opencsv.CSVWriter;
import com.opencsv.ICSVWriter;
import dev.billing.gateway.ApsReporting;
import dev.billing.gateway.GatewayReports;
import dev.billing.ledger.LedgerMovements;
import dev.billing.support.AtomicFiles;
import dev.billing.support.EngineProperties;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The gateway's transaction report of a business date, as matching reads it, kept in
 * {@code <billing.data-dir>/settlements/matched/}: the columns matching needs only (never a card number, whatever
 * the source held). An uploaded report of a date ({@code <date>.upload.csv}) wins over one the engine fetched
 * ({@code <date>.gateway.csv}), then and on every later reconcile of that date.
 *
 * <p>The fetch asks APS's Reporting API for the window from the start of the date in {@code billing.zone} to the later
 * of the date's end and the last time a movement of the date was settled (a night runs after its date), capped at now;
 * a window that comes back full ({@code billing.gateway.report-max-rows}, APS's 200,000) is asked for again in eight parts,
 * down to a second; a second that still comes back full cannot be fetched whole, and the fetch fails saying so (the
 * date is then matched with an upload), rather than match a report that lacks rows.
 * Rows of the window that belong to other dates are the ledger's movements of those dates, which matching does not
 * count as missing.
 */
@Component
public class GatewayReportFiles {

    private static final Logger log = LoggerFactory.getLogger(GatewayReportFiles.class);
    /** The parts a full window is asked for again in. */
    private static final int PARTS = 8;
    static final String[] HEADER = {"merchant_reference", "operation", "fort_id", "amount", "currency", "status"};

    private final Path dir;
    private final ZoneId zone;
    private final GatewayReports gateway;
    private final LedgerMovements movements;

    public GatewayReportFiles(EngineProperties engine, GatewayReports gateway, LedgerMovements movements) {
        this.dir = engine.dataDir().resolve("settlements").resolve("matched");
        this.zone = engine.zone();
        this.gateway = gateway;
        this.movements = movements;
    }

    /** The uploaded report of {@code date} kept from an earlier reconcile, if any. */
    public Optional<Path> uploaded(LocalDate date) {
        Path kept = dir.resolve(date + ".upload.csv");
        return Files.isRegularFile(kept) ? Optional.of(kept) : Optional.empty();
    }

    /**
     * Keeps the columns matching needs of an uploaded (or {@code --settlement}) report as the date's report; a file that
     * cannot be read is refused (as matching would refuse it) and nothing is kept.
     */
    public Path keepUpload(LocalDate date, Path upload) {
        Path kept = dir.resolve(date + ".upload.csv");
        AtomicFiles.write(kept, writer -> {
            ICSVWriter csv = new CSVWriter(writer);
            csv.writeNext(HEADER, false);
            SettlementFile.forEach(upload, row -> csv.writeNext(new String[] {row.merchantReference(), row.operation(), row.fortId(),
                row.amountText(), row.currency(), row.status()}, false));
            csv.flush();
        });
        return kept;
    }

    /**
     * Fetches the date's report from the gateway; returns the file and how many rows it holds, or empty when there is no
     * Reporting API to ask (none set, and the simulator not the gateway).
     */
    public Optional<Fetched> fetch(LocalDate date) {
        List<ApsReporting> apis = gateway.reportings();
        if (apis.isEmpty()) {
            return Optional.empty();
        }
        Instant start = date.atStartOfDay(zone).toInstant();
        Instant end = date.plusDays(1).atStartOfDay(zone).toInstant();
        Instant last = movements.lastMovedAt(date).map(t -> t.plusSeconds(60)).orElse(end);
        Instant to = last.isAfter(end) ? last : end;
        Instant now = Instant.now();
        if (to.isAfter(now)) {
            to = now;
        }
        Path target = dir.resolve(date + ".gateway.csv");
        long[] rows = {0};
        int[] windows = {0};
        Instant until = to;
        AtomicFiles.write(target, writer -> {
            ICSVWriter csv = new CSVWriter(writer);
            csv.writeNext(HEADER, false);
            csv.flush();
            for (ApsReporting reporting : apis) { // each account's report, one after the other, into the one file
                Deque<Instant[]> pending = new ArrayDeque<>();
                pending.push(new Instant[] {start, until});
                while (!pending.isEmpty()) {
                    Instant[] window = pending.pop();
                    Files.createDirectories(dir);
                    Path part = Files.createTempFile(dir, date + "-window-", ".csv");
                    try {
                        long n;
                        try (BufferedWriter out = Files.newBufferedWriter(part, StandardCharsets.UTF_8)) {
                            ICSVWriter partCsv = new CSVWriter(out);
                            n = reporting.fetch(reference(date, windows[0]), window[0].atZone(zone).toOffsetDateTime(),
                                    window[1].atZone(zone).toOffsetDateTime(), row -> partCsv.writeNext(line(row), false));
                            partCsv.flush();
                        }
                        windows[0]++;
                        Duration length = Duration.between(window[0], window[1]);
                        if (n >= gateway.maxRows()) {
                            if (length.compareTo(Duration.ofSeconds(1)) <= 0) {
                                throw new IllegalStateException(String.format("the gateway's report of %s to %s holds %,d transactions or more,"
                                        + " its most, in one second: it cannot be fetched whole; upload the date's report with reconcile"
                                        + " --settlement FILE", window[0], window[1], n));
                            }
                            // in eighths, not halves: a full window is downloaded for nothing, and halving a day five times the
                            // size of a report downloads it two and a half times; eighths, once and a fifth
                            log.info("The gateway's report of {} to {} came back full ({} rows): asking for it in {} parts", window[0], window[1], n,
                                    PARTS);
                            for (int k = PARTS - 1; k >= 0; k--) {
                                pending.push(new Instant[] {window[0].plus(length.multipliedBy(k).dividedBy(PARTS)),
                                    k == PARTS - 1 ? window[1] : window[0].plus(length.multipliedBy(k + 1).dividedBy(PARTS))});
                            }
                            continue;
                        }
                        try (java.io.Reader in = Files.newBufferedReader(part, StandardCharsets.UTF_8)) {
                            in.transferTo(writer);
                        }
                        rows[0] += n;
                    } finally {
                        Files.deleteIfExists(part);
                    }
                }
            }
        });
        return Optional.of(new Fetched(target, rows[0], windows[0]));
    }

    private static String reference(LocalDate date, int window) {
        return "RPT-" + date.toString().replace("-", "") + "-" + Long.toString(Instant.now().toEpochMilli(), 36) + "-" + window;
    }

    /** A transaction of the report as matching reads it; the operation in capitals, nothing else kept. */
    private static String[] line(Map<String, String> row) {
        return new String[] {row.getOrDefault("merchant_reference", ""), row.getOrDefault("operation", "").toUpperCase(Locale.ROOT),
            row.getOrDefault("fort_id", ""), row.getOrDefault("amount", ""), row.getOrDefault("currency", "").toUpperCase(Locale.ROOT),
            row.getOrDefault("status", "")};
    }

    /** A fetched report: its file, its rows, and in how many windows it was asked for. */
    public record Fetched(Path file, long rows, int windows) {
    }
}
