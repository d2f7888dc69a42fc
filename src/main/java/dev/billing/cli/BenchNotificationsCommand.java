package dev.billing.cli;

import dev.billing.database.EmbeddedPostgresServer;
import dev.billing.gateway.ApsSignature;
import dev.billing.gateway.GatewayProperties;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.JdbcTemplate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The notifications benchmark: in a throwaway embedded database, N charges whose outcome is unknown; the engine's web
 * side up as {@code serve} runs it; N signed success notifications posted to {@code /aps/notifications} by C senders
 * at once. Each is verified, stored and settles its charge (order PAID) in its own durable transaction.
 */
@Command(name = "bench-notifications", mixinStandardHelpOptions = true,
        description = {"Benchmarks POST /aps/notifications with the ledger behind it: N charges left unknown, then N signed",
            "success notifications from C senders at once, each settling its charge. Prints notifications per second",
            "and the latency percentiles, in a throwaway embedded database."})
class BenchNotificationsCommand implements Callable<Integer> {

    private static final LocalDate NIGHT = LocalDate.of(2026, 1, 1);

    private final CliContext cli;

    @Option(names = "--notifications", defaultValue = "20000", description = "Notifications to post (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--concurrency", defaultValue = "16", description = "Senders posting at once (default ${DEFAULT-VALUE}).")
    int concurrency;

    BenchNotificationsCommand(CliContext cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws Exception {
        if (count < 1 || concurrency < 1) {
            cli.err().println("--notifications and --concurrency must be at least 1");
            return ExitCodes.USAGE;
        }
        Path work = Files.createTempDirectory("billing-bench-notifications");
        try {
            cli.engine().override(Map.of("billing.data-dir", work.resolve("data").toString(),
                    "billing.reports.dir", work.resolve("reports").toString(),
                    "spring.main.web-application-type", "servlet",
                    "server.port", 0));
            JdbcTemplate jdbc = cli.engine().bean(JdbcTemplate.class);
            createUnknownCharges(jdbc);
            String port = cli.engine().context().getEnvironment().getProperty("local.server.port");
            URI endpoint = URI.create("http://127.0.0.1:" + port + "/aps/notifications");
            GatewayProperties gateway = cli.engine().bean(GatewayProperties.class).effective();
            cli.out().printf("%,d charges left unknown; posting %,d signed notifications to %s from %d senders%n",
                    count, count, endpoint, concurrency);
            byte[][] bodies = new byte[count][];
            ApsSignature signature = new ApsSignature(gateway.signature());
            for (int i = 0; i < count; i++) {
                bodies[i] = body(gateway, signature, i + 1);
            }
            long[] latencies = new long[count];
            AtomicInteger next = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            ExecutorService senders = Executors.newFixedThreadPool(concurrency);
            long started = System.nanoTime();
            try {
                Future<?>[] running = new Future<?>[concurrency];
                for (int s = 0; s < concurrency; s++) {
                    running[s] = senders.submit(() -> {
                        for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                            long t0 = System.nanoTime();
                            boolean settled = post(endpoint, bodies[i]);
                            latencies[i] = System.nanoTime() - t0;
                            if (!settled) {
                                refused.incrementAndGet();
                            }
                        }
                        return null;
                    });
                }
                for (Future<?> f : running) {
                    f.get();
                }
            } finally {
                senders.shutdown();
                senders.awaitTermination(1, TimeUnit.MINUTES);
            }
            double seconds = Math.max(0.001, (System.nanoTime() - started) / 1e9);
            Arrays.sort(latencies);
            long paid = jdbc.queryForObject("SELECT count(*) FROM orders WHERE status = 'PAID'", Long.class);
            long settled = jdbc.queryForObject("SELECT count(*) FROM aps_notifications WHERE outcome = 'SETTLED'", Long.class);
            cli.out().printf("posted %,d notifications in %.1f s: %,.0f per second; latency p50 %.1f ms, p99 %.1f ms, max %.1f ms;"
                            + " %,d stored and settled, %,d orders PAID, %,d not settled%n",
                    count, seconds, count / seconds, millis(latencies, 0.50), millis(latencies, 0.99), latencies[count - 1] / 1e6,
                    settled, paid, refused.get());
            return paid == count && settled == count && refused.get() == 0 ? ExitCodes.OK : ExitCodes.FAILED;
        } finally {
            cli.engine().close();
            EmbeddedPostgresServer.stopIfRunning(work.resolve("data"));
            BenchImportCommand.deleteTree(work);
        }
    }

    /**
     * One POST over a kept-alive connection ({@code HttpURLConnection}: blocking and light, so that the senders take
     * little of the CPU the endpoint is measured on); true when it was answered 200 SETTLED.
     */
    private static boolean post(URI endpoint, byte[] body) throws java.io.IOException {
        java.net.HttpURLConnection connection = (java.net.HttpURLConnection) endpoint.toURL().openConnection();
        connection.setRequestMethod("POST");
        connection.setDoOutput(true);
        connection.setFixedLengthStreamingMode(body.length);
        connection.setRequestProperty("Content-Type", "application/x-www-form-urlencoded");
        try (java.io.OutputStream out = connection.getOutputStream()) {
            out.write(body);
        }
        int status = connection.getResponseCode();
        try (java.io.InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
            String answer = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return status == 200 && answer.startsWith("SETTLED");
        }
    }

    private static double millis(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)] / 1e6;
    }

    private static byte[] body(GatewayProperties gateway, ApsSignature signature, int i) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("command", "PURCHASE");
        fields.put("access_code", gateway.accessCode());
        fields.put("merchant_identifier", gateway.merchantIdentifier());
        fields.put("merchant_reference", "CH-BN-" + i + "-1");
        fields.put("amount", Long.toString(100 + i % 10_000));
        fields.put("currency", "AED");
        fields.put("customer_email", "c@example.com");
        fields.put("token_name", "bench-tok-" + (i % 1000 + 1));
        fields.put("eci", "RECURRING");
        fields.put("status", "14");
        fields.put("response_code", "14000");
        fields.put("response_message", "Success");
        fields.put("fort_id", Long.toString(169_000_000_000_000_000L + i));
        fields.put("authorization_code", String.format("%06d", i % 1_000_000));
        fields.put("signature", signature.sign(fields, gateway.responsePhrase()));
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&")).getBytes(StandardCharsets.UTF_8);
    }

    /** N due orders, each with a charge sent and its outcome unknown (as after lost replies). */
    private void createUnknownCharges(JdbcTemplate jdbc) {
        jdbc.update("""
                INSERT INTO tokens (token_name, customer_id, customer_email, card_mask, card_expiry, created_at, status, agreement_id)
                SELECT 'bench-tok-' || i, 'C' || i, 'c' || i || '@example.com', '400555******0001', '05/29', now(), 'VERIFIED', 'AGR-' || i
                FROM generate_series(1, 1000) AS i""");
        jdbc.update("""
                INSERT INTO orders (order_id, customer_id, token_name, amount_minor, currency, status)
                SELECT 'BN-' || i, 'C', 'bench-tok-' || (i % 1000 + 1), 100 + i % 10000, 'AED', 'SHIPPED'
                FROM generate_series(1, ?) AS i""", count);
        jdbc.update("""
                INSERT INTO payment_attempts (attempt_reference, merchant_reference, kind, order_id, token_name, attempt, amount_minor,
                                              currency, business_date, state, sent_at)
                SELECT 'CH-BN-' || i || '-1', 'CH-BN-' || i || '-1', 'CHARGE', 'BN-' || i, 'bench-tok-' || (i % 1000 + 1), 1,
                       100 + i % 10000, 'AED', ?, 'UNKNOWN', now()
                FROM generate_series(1, ?) AS i""", Date.valueOf(NIGHT), count);
        jdbc.execute("ANALYZE orders, tokens, payment_attempts");
    }
}
