package dev.billing.bench;

import dev.billing.command.CliContext;
import dev.billing.command.ExecutionPrinter;
import dev.billing.command.ExitCodes;
import dev.billing.events.EventDeliveries;
import dev.billing.events.EventDispatcher;
import dev.billing.gateway.ApsClient;
import dev.billing.gateway.GatewayProperties;
import dev.billing.importing.ImportService;
import dev.billing.money.CurrencyUnit;
import dev.billing.money.Money;
import dev.billing.operations.JobRunner;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.jdbc.core.JdbcTemplate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A whole night as a merchant runs it, in a throwaway embedded database: generated CSV files imported by the real
 * {@code import}, then the real {@code nightly} (verify the new tokens, charge, deactivate, reconcile) against the
 * in-process simulator. Prints each step's time and rate, the charging rate over the first and the last tenth of the
 * orders, the raw gateway round-trip rate measured first in the same process, peak heap and resident memory, and the
 * reports' sizes.
 */
@Command(name = "bench-night", mixinStandardHelpOptions = true,
        description = {"Benchmarks a whole night: N orders on N/50 tokens (a tenth NEW) imported from generated CSV files,",
            "then nightly against the in-process simulator answering after L ms; each step's time and rate, charging's",
            "first and last tenth, its share of the raw gateway rate, peak heap and resident memory, report sizes.",
            "With --nights N: N nights on one database, the orders imported anew with new ids each night, so that the ledger",
            "grows; a line a night and the last night's charging rate against the first's; --console then measures the",
            "console's pages over that history."})
public class BenchNightCommand implements Callable<Integer> {

    private final CliContext cli;

    @Option(names = "--orders", defaultValue = "1000000", description = "Orders (default ${DEFAULT-VALUE}).")
    int orders;

    @Option(names = "--latency-ms", defaultValue = "0", description = "The simulator's latency per call (default ${DEFAULT-VALUE}).")
    int latencyMs;

    @Option(names = "--gateway-calls", defaultValue = "20000",
            description = "Round trips of the raw gateway measurement run first, and with --nights before each night (default ${DEFAULT-VALUE}).")
    int gatewayCalls;

    @Option(names = "--events", description = "Deliver the night's events as serve does, while it runs, to a webhook endpoint in this"
            + " process that checks every signature; print the outbox's lag.")
    boolean events;

    @Option(names = "--nights", defaultValue = "1", description = "Nights one after the other on one database (default ${DEFAULT-VALUE}).")
    int nights;

    @Option(names = "--console", description = "With --nights: measure the console's pages over the nights' history (p95 under 200 ms).")
    boolean console;

    BenchNightCommand(CliContext cli) {
        this.cli = cli;
    }

    /** The raw gateway rate, measured anew: calls per second, 0 when a call failed. */
    private interface Yardstick {
        double measure() throws InterruptedException;
    }

    @Override
    public Integer call() throws Exception {
        if (orders < 100 || latencyMs < 0 || gatewayCalls < 100 || nights < 1) {
            cli.err().println("--orders must be at least 100, --gateway-calls at least 100, --latency-ms at least 0, --nights at least 1");
            return ExitCodes.USAGE;
        }
        if (console && nights < 2) {
            cli.err().println("--console goes with --nights (2 or more): it measures the console over their history");
            return ExitCodes.USAGE;
        }
        try (LocalWebhookEndpoint endpoint = new LocalWebhookEndpoint(16);
             ThrowawayEngine sandbox = ThrowawayEngine.create(cli, "bench-night", settings(endpoint));
             HeapSampler heap = new HeapSampler()) {
            Path tokensFile = sandbox.work().resolve("tokens.csv");
            Path ordersFile = sandbox.work().resolve("orders.csv");
            int tokens = Math.max(10, orders / 50);
            writeFiles(tokensFile, ordersFile, tokens);
            cli.out().printf("%,d orders on %,d tokens (%,d NEW) in %s (%,d MB)%n", orders, tokens, tokens / 10, sandbox.work(),
                    Files.size(ordersFile) >> 20);

            ApsClient client = sandbox.engine().bean(ApsClient.class);
            int concurrency = sandbox.engine().bean(GatewayProperties.class).effective().maxConcurrency();
            Money amount = Money.parse("10.00", CurrencyUnit.require("AED"));
            BenchGatewayCommand.roundTrips(client, concurrency, amount, "GW", Math.min(2_000, gatewayCalls));
            long g0 = System.nanoTime();
            long gatewayFailures = BenchGatewayCommand.roundTrips(client, concurrency, amount, "GB", gatewayCalls);
            double gatewayRate = gatewayCalls / ((System.nanoTime() - g0) / 1e9);
            cli.out().printf("raw gateway: %,d signed round trips, %d in flight, %d ms latency: %,.0f per second%n", gatewayCalls, concurrency,
                    latencyMs, gatewayRate);
            JdbcTemplate jdbc = sandbox.engine().bean(JdbcTemplate.class);
            jdbc.update("TRUNCATE aps_simulator.orders, aps_simulator.maintenance");
            if (nights > 1) {
                return nights(sandbox, tokensFile, () -> {
                    long t0 = System.nanoTime();
                    long failed = BenchGatewayCommand.roundTrips(client, concurrency, amount, "GN", gatewayCalls);
                    double perSecond = gatewayCalls / ((System.nanoTime() - t0) / 1e9);
                    jdbc.update("DELETE FROM aps_simulator.orders WHERE merchant_reference LIKE 'GN-%'");
                    return failed == 0 ? perSecond : 0;
                });
            }

            EventDispatcher dispatcher = sandbox.engine().bean(EventDispatcher.class);
            if (events) {
                dispatcher.start(Duration.ofSeconds(1)); // as serve does: continuously, while the night runs
            }
            long nightStart = System.nanoTime();
            JobExecution imported = sandbox.engine().bean(ImportService.class).importFiles(tokensFile, ordersFile).execution();
            printSteps(imported);
            if (imported.getStatus() != BatchStatus.COMPLETED) {
                return ExecutionPrinter.printOutcome(cli, imported, false);
            }
            long rows = imported.getStepExecutions().stream().mapToLong(StepExecution::getReadCount).sum();
            double importSeconds = seconds(imported.getStartTime(), imported.getEndTime());
            cli.out().printf("import: %,d rows (tokens and orders) in %.1f s, start to end of the job: %,.0f rows/s%n", rows,
                    importSeconds, rows / importSeconds);
            JobRunner runner = sandbox.engine().bean(JobRunner.class);
            LocalDate date = runner.today();
            JobExecution night = runner.run("nightly", date);
            printSteps(night);
            double nightSeconds = (System.nanoTime() - nightStart) / 1e9;
            if (night.getStatus() != BatchStatus.COMPLETED) {
                return ExecutionPrinter.printOutcome(cli, night, false);
            }
            double first = tenthRate(jdbc, date, 0);
            double last = tenthRate(jdbc, date, 9);
            StepExecution charge = night.getStepExecutions().stream().filter(s -> s.getStepName().equals("charge")).findFirst().orElseThrow();
            double chargeRate = charge.getReadCount() / seconds(charge);
            long paid = jdbc.queryForObject("SELECT count(*) FROM orders WHERE status = 'PAID'", Long.class);
            cli.out().printf("charging: %,.0f per second, %.1f%% of the raw gateway rate; first tenth %,.0f/s, last tenth %,.0f/s (%.1f%%)%n",
                    chargeRate, 100 * chargeRate / gatewayRate, first, last, 100 * last / first);
            cli.out().printf("the whole night (import to reports): %.1f s; %,d of %,d orders PAID%n", nightSeconds, paid, orders);
            try (DirectoryStream<Path> reports = Files.newDirectoryStream(
                    sandbox.engine().bean(dev.billing.reconciliation.ReconciliationReports.class).directory(date), "*.csv")) {
                for (Path report : reports) {
                    cli.out().printf("report %s: %,d KB%n", report.getFileName(), Files.size(report) >> 10);
                }
            }
            if (events) {
                outboxLag(jdbc, dispatcher, endpoint);
            }
            cli.out().printf("peak heap %,d MB of %,d MB max (sampled every 50 ms); peak resident %,d MB%n", heap.peak() >> 20,
                    Runtime.getRuntime().maxMemory() >> 20, peakResidentKb() >> 10);
            return paid == orders && gatewayFailures == 0 ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    /**
     * {@code --nights N}: N nights one after the other on one database, a business date each (the last one yesterday),
     * the same tokens and every night's orders imported anew with ids of their own, so that the ledger grows by the
     * orders each night; one line a night, then the first and last nights' charging rates compared, and with
     * {@code --console} the console's pages measured over that history.
     */
    private int nights(ThrowawayEngine sandbox, Path tokensFile, Yardstick yardstick)
            throws Exception {
        JdbcTemplate jdbc = sandbox.engine().bean(JdbcTemplate.class);
        JobRunner runner = sandbox.engine().bean(JobRunner.class);
        ImportService imports = sandbox.engine().bean(ImportService.class);
        EventDispatcher dispatcher = sandbox.engine().bean(EventDispatcher.class);
        LocalDate first = runner.today().minusDays(nights);
        double[] rates = new double[nights];
        double[] shares = new double[nights];
        for (int k = 0; k < nights; k++) {
            LocalDate date = first.plusDays(k);
            Path ordersFile = sandbox.work().resolve("orders-" + k + ".csv");
            writeOrders(ordersFile, Math.max(10, orders / 50), "N" + k + "-");
            // the yardstick of this night: the raw gateway rate on this machine as it is now (others' load comes and goes)
            double raw = yardstick.measure();
            long start = System.nanoTime();
            java.sql.Timestamp began = jdbc.queryForObject("SELECT clock_timestamp()", java.sql.Timestamp.class);
            JobExecution imported = imports.importFiles(k == 0 ? tokensFile : null, ordersFile).execution();
            if (imported.getStatus() != BatchStatus.COMPLETED) {
                return ExecutionPrinter.printOutcome(cli, imported, false);
            }
            double importSeconds = (System.nanoTime() - start) / 1e9;
            JobExecution night = runner.run("nightly", date);
            if (night.getStatus() != BatchStatus.COMPLETED) {
                return ExecutionPrinter.printOutcome(cli, night, false);
            }
            Files.delete(ordersFile);
            // the nights run one after the other today, but each is of its own date: once it is reconciled, the
            // simulator forgets this night's records, so that the next night's report window (its date to now) holds
            // its own only, as on a real calendar, and the gateway's side (APS's, not the engine's) does not grow
            jdbc.update("DELETE FROM aps_simulator.maintenance WHERE created_at >= ?", began);
            jdbc.update("DELETE FROM aps_simulator.orders WHERE created_at >= ?", began);
            // as serve's dispatcher does while a night runs: the night's events fanned out (none delivered: no endpoint)
            dispatcher.fanOut();
            StepExecution charge = night.getStepExecutions().stream().filter(s -> s.getStepName().equals("charge")).findFirst().orElseThrow();
            rates[k] = charge.getReadCount() / seconds(charge);
            shares[k] = raw > 0 ? rates[k] / raw : 0;
            long ledger = jdbc.queryForObject("SELECT count(*) FROM payment_attempts", Long.class);
            long paid = jdbc.queryForObject("SELECT count(*) FROM orders WHERE status = 'PAID'", Long.class);
            cli.out().printf("night %2d (%s): import %.1f s; charging %,.0f/s (%.1f%% of the raw gateway rate, %,.0f/s just before);"
                    + " night %.1f s; %,d orders PAID in all, %,d ledger rows%n", k + 1, date, importSeconds, rates[k], 100 * shares[k], raw,
                    (System.nanoTime() - start) / 1e9, paid, ledger);
            if (paid != (long) orders * (k + 1)) {
                cli.out().printf("night %d left orders unpaid: %,d PAID of %,d%n", k + 1, paid, (long) orders * (k + 1));
                return ExitCodes.FAILED;
            }
        }
        double ratio = rates[nights - 1] / rates[0];
        double shareRatio = shares[nights - 1] / shares[0];
        cli.out().printf("charging: night 1 %,.0f/s, night %d %,.0f/s: %.1f%% of the first%n", rates[0], nights, rates[nights - 1], 100 * ratio);
        cli.out().printf("as a share of the raw gateway rate measured just before each: night 1 %.1f%%, night %d %.1f%%: %.1f%% of the"
                + " first%n", 100 * shares[0], nights, 100 * shares[nights - 1], 100 * shareRatio);
        if (nights >= 4) {
            // night 1 runs in a JVM still compiling its hot paths (its yardstick too): the median of nights 2 to 4 beside it
            double[] warm = Arrays.copyOfRange(rates, 1, 4);
            Arrays.sort(warm);
            cli.out().printf("night %d against the median of nights 2-4 (%,.0f/s, the JVM warm): %.1f%%%n", nights, warm[1],
                    100 * rates[nights - 1] / warm[1]);
        }
        cli.out().printf("charging over the %d nights: slowest %,.0f/s, fastest %,.0f/s%n", nights, Arrays.stream(rates).min().orElse(0),
                Arrays.stream(rates).max().orElse(0));
        long bytes = jdbc.queryForObject("SELECT pg_database_size(current_database())", Long.class);
        cli.out().printf("database: %,d MB; largest tables (with their indexes):", bytes >> 20);
        jdbc.query("""
                SELECT oid::regclass::text, pg_total_relation_size(oid) FROM pg_class WHERE relkind = 'r'
                ORDER BY 2 DESC LIMIT 5""", rs -> {
                    cli.out().printf(" %s %,d MB;", rs.getString(1), rs.getLong(2) >> 20);
                });
        cli.out().println();
        boolean fast = ratio >= 0.9; // the test: the last night's rate within 10% of the first's
        if (console) {
            LocalDate last = first.plusDays(nights - 1);
            long[] executionIds = BenchData.executionIds(jdbc);
            int tokens = Math.max(10, orders / 50);
            SplittableRandom random = new SplittableRandom(42);
            IntFunction<String> anyOrder = i -> "N" + random.nextInt(nights) + "-" + random.nextInt(orders);
            IntFunction<String> anyDate = i -> first.plusDays(random.nextInt(nights)).toString();
            List<BenchConsoleCommand.Page> pages = List.of(
                    new BenchConsoleCommand.Page("/console (nights)", i -> "/console"),
                    new BenchConsoleCommand.Page("/console/executions", i -> "/console/executions"),
                    new BenchConsoleCommand.Page("/console/executions?date=", i -> "/console/executions?date=" + anyDate.apply(i)),
                    new BenchConsoleCommand.Page("/console/executions/{id}",
                            i -> "/console/executions/" + executionIds[random.nextInt(executionIds.length)]),
                    new BenchConsoleCommand.Page("/console/exceptions?date=", i -> "/console/exceptions?date=" + anyDate.apply(i)),
                    new BenchConsoleCommand.Page("/console/orders/{order_id}", i -> "/console/orders/" + anyOrder.apply(i)),
                    new BenchConsoleCommand.Page("/console/orders?q= (order id)", i -> "/console/orders?q=" + anyOrder.apply(i)),
                    new BenchConsoleCommand.Page("/console/orders?q= (customer id)", i -> "/console/orders?q=C" + random.nextInt(tokens)),
                    new BenchConsoleCommand.Page("/console/orders?q= (token name)", i -> "/console/orders?q=night-tok-" + random.nextInt(tokens)),
                    new BenchConsoleCommand.Page("/console/orders?q= (reference)", i -> "/console/orders?q=CH-" + anyOrder.apply(i) + "-1"),
                    new BenchConsoleCommand.Page("/console/reports/{date}", i -> "/console/reports/" + last),
                    new BenchConsoleCommand.Page("/console/audit", i -> "/console/audit"));
            fast &= BenchConsoleCommand.measure(cli, sandbox, pages, 100, 30, 200);
        }
        return fast ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private Map<String, Object> settings(LocalWebhookEndpoint endpoint) {
        Map<String, Object> settings = new java.util.HashMap<>(Map.of("billing.simulator.latency", latencyMs + "ms"));
        if (console) {
            settings.put("spring.main.web-application-type", "servlet");
            settings.put("server.port", 0);
        }
        if (events) {
            settings.put("billing.events.endpoints[0].name", "bench");
            settings.put("billing.events.endpoints[0].url", endpoint.url().toString());
            settings.put("billing.events.endpoints[0].secret", LocalWebhookEndpoint.SECRET);
            settings.put("billing.events.per-endpoint", "16");
        }
        return settings;
    }

    /**
     * The outbox after the night: how many events were still to deliver when it ended, how long until the last one was,
     * and the lag of each (its delivery after its event) at the median, the 99th percentile and the most.
     */
    private void outboxLag(JdbcTemplate jdbc, EventDispatcher dispatcher, LocalWebhookEndpoint endpoint) throws InterruptedException {
        long ended = System.nanoTime();
        EventDeliveries deliveries = new EventDeliveries(jdbc);
        long waiting = deliveries.backlog();
        long deadline = ended + Duration.ofMinutes(30).toNanos();
        while (System.nanoTime() < deadline && deliveries.backlog() > 0) {
            Thread.sleep(200);
        }
        double drained = (System.nanoTime() - ended) / 1e9;
        dispatcher.close();
        Map<String, Object> lag = jdbc.queryForMap("""
                SELECT count(*) AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM d.delivered_at - o.occurred_at)) AS p50,
                       percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM d.delivered_at - o.occurred_at)) AS p99,
                       max(extract(epoch FROM d.delivered_at - o.occurred_at)) AS most
                FROM event_deliveries d JOIN outbox o ON o.event_id = d.event_id WHERE d.status = 'DELIVERED'""");
        long total = jdbc.queryForObject("SELECT count(*) FROM outbox", Long.class);
        cli.out().printf("outbox: %,d events; %,d still to deliver when the night ended, all delivered %.1f s after it; lag (event to"
                + " delivery) median %.1f s, 99th percentile %.1f s, most %.1f s; the endpoint got %,d posts of %,d distinct events, %,d"
                + " badly signed%n", total, waiting, drained, number(lag.get("p50")), number(lag.get("p99")), number(lag.get("most")),
                endpoint.posts(), endpoint.distinct(), endpoint.badlySigned());
    }

    private static double number(Object value) {
        return value == null ? 0 : ((Number) value).doubleValue();
    }

    /** The most heap in use at once, sampled every 50 ms (the pools' own peaks, summed, would overstate it). */
    static final class HeapSampler implements AutoCloseable {
        private final java.util.concurrent.atomic.AtomicLong peak = new java.util.concurrent.atomic.AtomicLong();
        private final java.util.concurrent.ScheduledExecutorService sampler =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "heap-sampler");
                    t.setDaemon(true);
                    return t;
                });

        HeapSampler() {
            java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
            java.util.concurrent.ScheduledFuture<?> unused = sampler.scheduleAtFixedRate(
                    () -> peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max), 0, 50,
                    java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        long peak() {
            return peak.get();
        }

        @Override
        public void close() {
            sampler.shutdownNow();
        }
    }

    private void printSteps(JobExecution execution) {
        for (StepExecution step : execution.getStepExecutions()) {
            double seconds = seconds(step);
            cli.out().printf("  %-28s %8.1f s %,12d items %,12.0f/s%n", step.getStepName(), seconds, step.getReadCount(),
                    step.getReadCount() / seconds);
        }
    }

    private static double seconds(StepExecution step) {
        return seconds(step.getStartTime(), step.getEndTime());
    }

    private static double seconds(LocalDateTime start, LocalDateTime end) {
        return start == null || end == null ? 0.001 : Math.max(0.001, Duration.between(start, end).toMillis() / 1000.0);
    }

    /**
     * Charges per second over the {@code tenth}-th tenth of the night's charges, in the order they were settled: the
     * tenth's count over the time from the last settlement before it (or the first one) to its own last.
     */
    private static double tenthRate(JdbcTemplate jdbc, LocalDate date, int tenth) {
        List<Map<String, Object>> span = jdbc.queryForList("""
                WITH numbered AS (SELECT resolved_at, ntile(10) OVER (ORDER BY resolved_at) AS tenth FROM payment_attempts
                                  WHERE kind = 'CHARGE' AND business_date = ? AND resolved_at IS NOT NULL),
                bounds AS (SELECT tenth, count(*) AS n, min(resolved_at) AS first, max(resolved_at) AS last FROM numbered GROUP BY tenth)
                SELECT b.n, EXTRACT(EPOCH FROM b.last - COALESCE((SELECT p.last FROM bounds p WHERE p.tenth = b.tenth - 1), b.first))
                       AS seconds
                FROM bounds b WHERE b.tenth = ?""",
                java.sql.Date.valueOf(date), tenth + 1);
        Number n = (Number) span.get(0).get("n");
        Number seconds = (Number) span.get(0).get("seconds");
        return seconds == null || seconds.doubleValue() <= 0 ? 0 : n.doubleValue() / seconds.doubleValue();
    }

    /** The most resident memory this process has had ({@code VmHWM}), in KB; 0 where /proc does not tell. */
    static long peakResidentKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    private void writeFiles(Path tokensFile, Path ordersFile, int tokens) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(tokensFile)) {
            out.write("token_name,customer_id,customer_email,card_mask,card_expiry,created_at,status,agreement_id\n");
            for (int t = 0; t < tokens; t++) {
                out.write("night-tok-" + t + ",C" + t + ",c" + t + "@example.com,400555******0001,05/29,2026-01-01T00:00:00Z,"
                        + (t % 10 == 0 ? "NEW" : "VERIFIED") + ",AGR-" + t + "\n");
            }
        }
        writeOrders(ordersFile, tokens, "N-");
    }

    /** {@code --orders} SHIPPED orders named {@code prefix + i}, spread over the tokens. */
    private void writeOrders(Path ordersFile, int tokens, String prefix) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(ordersFile)) {
            out.write("order_id,customer_id,token_name,amount,currency,status,charge_on\n");
            for (int i = 0; i < orders; i++) {
                int t = i % tokens;
                String currency = BenchImportCommand.CURRENCIES[i % BenchImportCommand.CURRENCIES.length];
                String amount = BenchImportCommand.amount(i, currency);
                out.write(prefix + i + ",C" + t + ",night-tok-" + t + "," + amount + "," + currency + ",SHIPPED,\n");
            }
        }
    }
}
