package dev.billing.bench;

import dev.billing.command.CliContext;
import dev.billing.command.ExitCodes;
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
import java.time.LocalDate;
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
public class BenchConsoleCommand implements Callable<Integer> {

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
    record Page(String name, IntFunction<String> path) {
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
            BenchData.aYearOfNights(jdbc, last, nights, orders, customers(), cli.out());
            sandbox.engine().bean(ReconciliationReports.class).write(last);
            cli.out().printf("seeded %,d orders over %d nights (up to %s) in %.0f s%n", orders, nights, last,
                    (System.nanoTime() - seedStart) / 1e9);

            long[] executionIds = BenchData.executionIds(jdbc);
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
            return measure(cli, sandbox, pages, requests, warmUp, targetMs) ? ExitCodes.OK : ExitCodes.FAILED;
        }
    }

    /**
     * Signs in to the sandbox's console as an operator, then requests each page {@code warmUp} times, then
     * {@code requests} times measured, one at a time; prints p50, p95 and the most per page. True when every p95 is
     * under {@code targetMs}.
     */
    static boolean measure(CliContext cli, ThrowawayEngine sandbox, List<Page> pages, int requests, int warmUp, int targetMs) throws Exception {
        String password = "bench-" + Long.toHexString(new SplittableRandom().nextLong()) + "-password";
        sandbox.engine().bean(ConsoleUsers.class).add("bench-operator", Role.OPERATOR, password);
        String base = "http://127.0.0.1:" + sandbox.engine().context().getEnvironment().getProperty("local.server.port");
        HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
        signIn(client, base, password);
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
        return allUnder;
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
}
