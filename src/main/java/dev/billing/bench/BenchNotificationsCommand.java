package dev.billing.bench;

import dev.billing.command.CliContext;
import dev.billing.command.ExitCodes;
import dev.billing.gateway.ApsForm;
import dev.billing.gateway.ApsSignature;
import dev.billing.gateway.GatewayProperties;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
public class BenchNotificationsCommand implements Callable<Integer> {

    private static final LocalDate NIGHT = LocalDate.of(2026, 1, 1);

    private final CliContext cli;

    @Option(names = "--notifications", defaultValue = "20000", description = "Notifications to post (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--concurrency", defaultValue = "16", description = "Senders posting at once (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--warm-up", defaultValue = "2000",
            description = "Notifications posted first, on charges of their own, and not measured: the JIT compiles the path (default ${DEFAULT-VALUE}).")
    int warmUp;

    BenchNotificationsCommand(CliContext cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws Exception {
        if (count < 1 || concurrency < 1 || warmUp < 0) {
            cli.err().println("--notifications and --concurrency must be at least 1, --warm-up at least 0");
            return ExitCodes.USAGE;
        }
        try (ThrowawayEngine sandbox = ThrowawayEngine.create(cli, "bench-notifications", Map.of("spring.main.web-application-type", "servlet",
                "server.port", 0))) {
            JdbcTemplate jdbc = sandbox.engine().bean(JdbcTemplate.class);
            BenchData.unknownCharges(jdbc, "BW", warmUp, NIGHT);
            BenchData.unknownCharges(jdbc, "BN", count, NIGHT);
            jdbc.execute("ANALYZE orders, tokens, payment_attempts");
            String port = sandbox.engine().context().getEnvironment().getProperty("local.server.port");
            URI endpoint = URI.create("http://127.0.0.1:" + port + "/aps/notifications");
            GatewayProperties gateway = sandbox.engine().bean(GatewayProperties.class).effective();
            cli.out().printf("%,d charges left unknown; posting %,d signed notifications to %s from %d senders, after %,d not measured%n",
                    count, count, endpoint, concurrency, warmUp);
            ApsSignature signature = new ApsSignature(gateway.signature());
            if (warmUp > 0) {
                send(endpoint, bodies(gateway, signature, "BW", warmUp));
            }
            byte[][] bodies = bodies(gateway, signature, "BN", count);
            long started = System.nanoTime();
            long[] latencies = new long[count];
            int refused = send(endpoint, bodies, latencies);
            double seconds = Math.max(0.001, (System.nanoTime() - started) / 1e9);
            Arrays.sort(latencies);
            long paid = jdbc.queryForObject("SELECT count(*) FROM orders WHERE status = 'PAID' AND order_id LIKE 'BN-%'", Long.class);
            long settled = jdbc.queryForObject(
                    "SELECT count(*) FROM aps_notifications WHERE outcome = 'SETTLED' AND merchant_reference LIKE 'CH-BN-%'", Long.class);
            cli.out().printf("posted %,d notifications in %.1f s: %,.0f per second; latency p50 %.1f ms, p99 %.1f ms, max %.1f ms;"
                            + " %,d stored and settled, %,d orders PAID, %,d not settled%n",
                    count, seconds, count / seconds, millis(latencies, 0.50), millis(latencies, 0.99), latencies[count - 1] / 1e6,
                    settled, paid, refused);
            return paid == count && settled == count && refused == 0 ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    private static byte[][] bodies(GatewayProperties gateway, ApsSignature signature, String prefix, int n) {
        byte[][] bodies = new byte[n][];
        for (int i = 0; i < n; i++) {
            bodies[i] = body(gateway, signature, prefix, i + 1);
        }
        return bodies;
    }

    private int send(URI endpoint, byte[][] bodies) throws Exception {
        return send(endpoint, bodies, new long[bodies.length]);
    }

    /** Posts the bodies from the senders at once; each one's latency into {@code latencies}; returns how many were not settled. */
    private int send(URI endpoint, byte[][] bodies, long[] latencies) throws Exception {
        int total = bodies.length;
        AtomicInteger next = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        ExecutorService senders = Executors.newFixedThreadPool(concurrency);
        try {
            Future<?>[] running = new Future<?>[concurrency];
            for (int s = 0; s < concurrency; s++) {
                running[s] = senders.submit(() -> {
                    for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
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
        return refused.get();
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

    /** The {@code quantile} of sorted nanosecond latencies, in milliseconds (nearest rank). */
    static double millis(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)] / 1e6;
    }

    private static byte[] body(GatewayProperties gateway, ApsSignature signature, String prefix, int i) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("command", "PURCHASE");
        fields.put("access_code", gateway.accessCode());
        fields.put("merchant_identifier", gateway.merchantIdentifier());
        fields.put("merchant_reference", "CH-" + prefix + "-" + i + "-1");
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
        return ApsForm.encode(fields);
    }
}
