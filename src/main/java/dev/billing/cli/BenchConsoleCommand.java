package dev.billing.cli;

import dev.billing.console.ConsoleUsers;
import dev.billing.console.Role;
import dev.billing.operations.JobRunner;
import dev.billing.reconciliation.ReconciliationReports;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.JdbcTemplate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The console benchmark: in a throwaway embedded database, a year of nights (orders with their charges, declines,
 * holds, unknown outcomes, job executions with their steps, an audit trail); the engine's web side up as {@code serve}
 * runs it; a signed-in operator's browser asks for every page, one request at a time. Prints each page's latency
 * percentiles; fails when a page's p95 is over the target.
 */
@Command(name = "bench-console", mixinStandardHelpOptions = true,
        description = {"Benchmarks the console's pages with a year of data: seeds N orders over D nights in a throwaway",
            "embedded database, signs in, asks for every page R times (after a warm-up) and prints p50, p95 and max per page."})
class BenchConsoleCommand implements Callable<Integer> {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private final CliContext cli;

    @Option(names = "--orders", defaultValue = "1000000", description = "Orders in the database (default ${DEFAULT-VALUE}).")
    int orders;

    @Option(names = "--nights", defaultValue = "365", description = "Business dates they are spread over (default ${DEFAULT-VALUE}).")
    int nights;

    @Option(names = "--requests", defaultValue = "100", description = "Measured requests per page (default ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--warm-up", defaultValue = "30", description = "Requests per page first, not measured (default ${DEFAULT-VALUE}).")
    int warmUp;

    @Option(names = "--target-ms", defaultValue = "200", description = "The p95 every page must stay under (default ${DEFAULT-VALUE}).")
    int targetMs;

    BenchConsoleCommand(CliContext cli) {
        this.cli = cli;
    }

    /** One page, and how to name the i-th request to it. */
    private record Page(String name, IntFunction<String> path) {
    }

    @Override
    public Integer call() throws Exception {
        if (orders < nights || nights < 31 || requests < 20 || warmUp < 0 || targetMs < 1) {
            cli.err().println("--nights must be at least 31, --orders at least --nights, --requests at least 20, --warm-up at least 0");
            return ExitCodes.USAGE;
        }
        try (ThrowawayEngine sandbox = ThrowawayEngine.create(cli, "bench-console", Map.of("spring.main.web-application-type", "servlet",
                "server.port", 0))) {
            JdbcTemplate jdbc = sandbox.engine().bean(JdbcTemplate.class);
            LocalDate last = sandbox.engine().bean(JobRunner.class).today().minusDays(1);
            long seedStart = System.nanoTime();
            seed(jdbc, last);
            sandbox.engine().bean(ReconciliationReports.class).write(last);
            cli.out().printf("seeded %,d orders over %d nights (up to %s) in %.0f s%n", orders, nights, last,
                    (System.nanoTime() - seedStart) / 1e9);

            String password = "bench-" + Long.toHexString(new SplittableRandom().nextLong()) + "-password";
            sandbox.engine().bean(ConsoleUsers.class).add("bench-operator", Role.OPERATOR, password);
            String base = "http://127.0.0.1:" + sandbox.engine().context().getEnvironment().getProperty("local.server.port");
            HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
            signIn(client, base, password);

            long[] executionIds = jdbc.queryForList("SELECT job_execution_id FROM batch_job_execution", Long.class).stream()
                    .mapToLong(Long::longValue).toArray();
            SplittableRandom random = new SplittableRandom(42);
            IntFunction<String> anyDate = i -> last.minusDays(random.nextInt(nights)).toString();
            IntFunction<Integer> anyOrder = i -> 1 + random.nextInt(orders);
            List<Page> pages = List.of(
                    new Page("/console (nights)", i -> "/console"),
                    new Page("/console/executions", i -> "/console/executions"),
                    new Page("/console/executions?date=", i -> "/console/executions?date=" + anyDate.apply(i)),
                    new Page("/console/executions/{id}", i -> "/console/executions/" + executionIds[random.nextInt(executionIds.length)]),
                    new Page("/console/exceptions?date=", i -> "/console/exceptions?date=" + anyDate.apply(i)),
                    new Page("/console/orders/{order_id}", i -> "/console/orders/BO-" + anyOrder.apply(i)),
                    new Page("/console/orders?q= (order id)", i -> "/console/orders?q=BO-" + anyOrder.apply(i)),
                    new Page("/console/orders?q= (customer id)", i -> "/console/orders?q=BC-" + (1 + random.nextInt(customers()))),
                    new Page("/console/orders?q= (token name)", i -> "/console/orders?q=bt-" + (1 + random.nextInt(customers()))),
                    new Page("/console/orders?q= (reference)", i -> "/console/orders?q=CH-BO-" + anyOrder.apply(i) + "-1"),
                    new Page("/console/orders?q= (fort_id)", i -> "/console/orders?q=" + (170_000_000_000_000_000L + anyOrder.apply(i))),
                    new Page("/console/reports/{date}", i -> "/console/reports/" + last),
                    new Page("/console/audit", i -> "/console/audit"));
            cli.out().printf("%d requests per page, one at a time, after %d not measured; target p95 < %d ms%n", requests, warmUp, targetMs);
            cli.out().printf("%-36s %9s %9s %9s%n", "page", "p50 ms", "p95 ms", "max ms");
            boolean allUnder = true;
            for (Page page : pages) {
                for (int i = 0; i < warmUp; i++) {
                    get(client, base + page.path().apply(i));
                }
                long[] latencies = new long[requests];
                for (int i = 0; i < requests; i++) {
                    long t0 = System.nanoTime();
                    get(client, base + page.path().apply(i));
                    latencies[i] = System.nanoTime() - t0;
                }
                Arrays.sort(latencies);
                double p95 = BenchNotificationsCommand.millis(latencies, 0.95);
                allUnder &= p95 < targetMs;
                cli.out().printf("%-36s %9.1f %9.1f %9.1f%s%n", page.name(), BenchNotificationsCommand.millis(latencies, 0.50), p95,
                        latencies[requests - 1] / 1e6,
                        p95 < targetMs ? "" : "  over the target");
            }
            cli.out().println(allUnder ? "every page under the target" : "some page over the target");
            return allUnder ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    private int customers() {
        return Math.max(1, orders / 10);
    }

    private static void signIn(HttpClient client, String base, String password) throws Exception {
        String page = client.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher csrf = CSRF.matcher(page);
        if (!csrf.find()) {
            throw new IllegalStateException("the sign-in page has no CSRF token");
        }
        String form = "username=bench-operator&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&_csrf="
                + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8);
        HttpResponse<String> signedIn = client.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        String location = signedIn.headers().firstValue("Location").orElse("");
        if (signedIn.statusCode() != 302 || !location.endsWith("/console")) {
            throw new IllegalStateException("signing in failed: " + signedIn.statusCode() + " " + location);
        }
    }

    /** One page, read to its end; anything but 200 (or a search's 302 to the one order found) stops the benchmark. */
    private static void get(HttpClient client, String url) throws Exception {
        HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
        boolean found = response.statusCode() == 302 && response.headers().firstValue("Location").orElse("").contains("/console/orders/");
        if (response.statusCode() != 200 && !found) {
            throw new IllegalStateException(url + " answered " + response.statusCode());
        }
    }

    /**
     * A year as the engine would have left it: order i belongs to night {@code i % nights}; of each hundred, 90 were
     * paid, 5 failed (declined), 3 held (their token not verified yet), 2 deferred; one in ten thousand has a charge
     * whose outcome is unknown. Every night has its nightly execution (with the steps of a real one) and its reconcile.
     */
    private void seed(JdbcTemplate jdbc, LocalDate last) {
        int customers = customers();
        Date first = Date.valueOf(last.minusDays(nights - 1L));
        jdbc.update("""
                INSERT INTO tokens (token_name, customer_id, customer_email, card_mask, card_expiry, created_at, status, agreement_id)
                SELECT 'bt-' || t, 'BC-' || t, 'c' || t || '@example.com', '400555******0001', '05/29', now(),
                       CASE WHEN t % 50 = 0 THEN 'NEW' ELSE 'VERIFIED' END, 'AGR-' || t
                FROM generate_series(1, ?) AS t""", customers);
        cli.out().printf("  %,d tokens%n", customers);
        jdbc.update("""
                INSERT INTO orders (order_id, customer_id, token_name, amount_minor, currency, status, charge_on, attempt_count,
                                    failure_reason, paid_at)
                SELECT 'BO-' || i, 'BC-' || (i % ? + 1), 'bt-' || (i % ? + 1), 100 + (i * 37) % 90000,
                       (ARRAY['AED', 'KWD', 'JPY', 'SAR'])[i % 4 + 1],
                       CASE WHEN i % 100 < 90 THEN 'PAID' WHEN i % 100 < 95 THEN 'PAYMENT_FAILED' WHEN i % 100 < 98 THEN 'SHIPPED'
                            ELSE 'DEFERRED' END,
                       CASE WHEN i % 100 >= 98 THEN ?::date + (i % ?) + 400 END,
                       CASE WHEN i % 100 < 95 THEN 1 ELSE 0 END,
                       CASE WHEN i % 100 BETWEEN 90 AND 94 THEN 'hard decline: 13012 Card expired' END,
                       CASE WHEN i % 100 < 90 THEN now() END
                FROM generate_series(1, ?) AS i""", customers, customers, first, nights, orders);
        cli.out().printf("  %,d orders%n", orders);
        jdbc.update("""
                INSERT INTO payment_attempts (attempt_reference, merchant_reference, kind, order_id, token_name, attempt, amount_minor,
                                              currency, business_date, state, outcome_class, response_code, response_message, fort_id,
                                              sent_at, resolved_at, gateway)
                SELECT 'CH-BO-' || i || '-1', 'CH-BO-' || i || '-1', 'CHARGE', 'BO-' || i, 'bt-' || (i % ? + 1), 1, 100 + (i * 37) % 90000,
                       (ARRAY['AED', 'KWD', 'JPY', 'SAR'])[i % 4 + 1], ?::date + (i % ?),
                       CASE WHEN i % 100 < 90 THEN 'SUCCEEDED' WHEN i % 100 < 95 THEN 'DECLINED' ELSE 'UNKNOWN' END,
                       CASE WHEN i % 100 < 90 THEN 'SUCCESS' WHEN i % 100 < 95 THEN 'HARD_DECLINE' ELSE 'UNKNOWN' END,
                       CASE WHEN i % 100 < 90 THEN '14000' WHEN i % 100 < 95 THEN '13012' END,
                       CASE WHEN i % 100 < 90 THEN 'Success' WHEN i % 100 < 95 THEN 'Card expired' END,
                       (170000000000000000 + i)::text, now(), CASE WHEN i % 100 < 95 THEN now() END, 'simulator'
                FROM generate_series(1, ?) AS i
                WHERE i % 100 < 95 OR i % 10000 = 9999""", customers, first, nights, orders);
        cli.out().println("  their charges");
        jdbc.update("""
                INSERT INTO charge_holds (business_date, order_id, token_name, reason)
                SELECT ?::date + (i % ?), 'BO-' || i, 'bt-' || (i % ? + 1), 'token bt-' || (i % ? + 1) || ' is NEW, not VERIFIED'
                FROM generate_series(1, ?) AS i WHERE i % 100 BETWEEN 95 AND 97""", first, nights, customers, customers, orders);
        jdbc.update("""
                INSERT INTO audit_log (actor, action, target, result)
                SELECT 'olga', 'RESTART', 'execution ' || i, 'restart started' FROM generate_series(1, 5000) AS i""");
        seedExecutions(jdbc, last);
        jdbc.execute("ANALYZE");
    }

    /** Per night: the nightly job (one in thirty failed once, then restarted) with its steps, and a reconcile run. */
    private void seedExecutions(JdbcTemplate jdbc, LocalDate last) {
        String[] steps = {"resolve-verifications", "give-back-owed", "verify", "verify-partition:partition0", "resolve-verifications-after",
            "give-back-owed-after", "resolve-unknown", "charge", "charge-partition:partition0", "resolve-unknown-after", "vacuum-ledger",
            "deactivate-tokens", "reconcile"};
        List<Object[]> instances = new ArrayList<>();
        List<Object[]> executions = new ArrayList<>();
        List<Object[]> parameters = new ArrayList<>();
        List<Object[]> stepRows = new ArrayList<>();
        long instance = 0;
        long execution = 0;
        long step = 0;
        for (int n = 0; n < nights; n++) {
            LocalDate date = last.minusDays(n);
            java.sql.Timestamp start = java.sql.Timestamp.valueOf(date.plusDays(1).atTime(1, 0));
            java.sql.Timestamp end = java.sql.Timestamp.valueOf(date.plusDays(1).atTime(1, 40));
            for (String job : new String[] {"nightly", "reconcile"}) {
                instances.add(new Object[] {++instance, job, String.format("%032x", instance)});
                int runs = job.equals("nightly") && n % 30 == 7 ? 2 : 1;
                for (int r = 0; r < runs; r++) {
                    String status = runs == 2 && r == 0 ? "FAILED" : "COMPLETED";
                    executions.add(new Object[] {++execution, instance, start, start, end, status, status, end});
                    parameters.add(new Object[] {execution, "businessDate", "java.time.LocalDate", date.toString(), "Y"});
                    for (String name : job.equals("nightly") ? steps : new String[] {"reconcile"}) {
                        long read = name.equals("charge") ? orders / nights : 0;
                        String stepStatus = status.equals("FAILED") && name.equals("charge") ? "FAILED" : "COMPLETED";
                        stepRows.add(new Object[] {++step, name, execution, start, start, end, stepStatus, read, read, stepStatus, end});
                        if (stepStatus.equals("FAILED")) {
                            break;
                        }
                    }
                }
            }
        }
        jdbc.batchUpdate("INSERT INTO batch_job_instance (job_instance_id, version, job_name, job_key) VALUES (?, 0, ?, ?)", instances);
        jdbc.batchUpdate("""
                INSERT INTO batch_job_execution (job_execution_id, version, job_instance_id, create_time, start_time, end_time, status,
                                                 exit_code, exit_message, last_updated) VALUES (?, 1, ?, ?, ?, ?, ?, ?, '', ?)""", executions);
        jdbc.batchUpdate("""
                INSERT INTO batch_job_execution_params (job_execution_id, parameter_name, parameter_type, parameter_value, identifying)
                VALUES (?, ?, ?, ?, ?)""", parameters);
        jdbc.batchUpdate("""
                INSERT INTO batch_step_execution (step_execution_id, version, step_name, job_execution_id, create_time, start_time,
                    end_time, status, commit_count, read_count, filter_count, write_count, read_skip_count, write_skip_count,
                    process_skip_count, rollback_count, exit_code, exit_message, last_updated)
                VALUES (?, 1, ?, ?, ?, ?, ?, ?, 1, ?, 0, ?, 0, 0, 0, 0, ?, '', ?)""", stepRows);
        jdbc.execute("SELECT setval('batch_job_instance_seq', " + instance + "), setval('batch_job_execution_seq', " + execution
                + "), setval('batch_step_execution_seq', " + step + ")");
        cli.out().printf("  %,d job executions with %,d steps%n", execution, step);
    }
}
