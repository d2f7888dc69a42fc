package dev.billing.bench;

import dev.billing.command.CliContext;
import dev.billing.command.ExitCodes;
import dev.billing.events.EventDispatcher;
import dev.billing.events.EventType;
import dev.billing.events.EventsProperties;
import dev.billing.events.Outbox;
import dev.billing.support.EngineThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The webhook benchmark: in a throwaway embedded database, N events written to the outbox, then delivered to an
 * endpoint in this process that checks each signature and answers 204 at once. Prints events delivered per second,
 * and whether every event arrived, once, signed.
 */
@Command(name = "bench-events", mixinStandardHelpOptions = true,
        description = {"Benchmarks webhook delivery: N events written to the outbox of a throwaway embedded database, delivered",
            "signed to a local endpoint that verifies each signature. Prints events per second and what the endpoint saw."})
public class BenchEventsCommand implements Callable<Integer> {

    private final CliContext cli;

    @Option(names = "--events", defaultValue = "100000", description = "Events (default ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--per-endpoint", defaultValue = "16", description = "Deliveries in flight to the endpoint (default ${DEFAULT-VALUE}).")
    int perEndpoint;

    BenchEventsCommand(CliContext cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws Exception {
        if (events < 1 || perEndpoint < 1) {
            cli.err().println("error: --events and --per-endpoint must be at least 1");
            return ExitCodes.USAGE;
        }
        LocalWebhookEndpoint endpoint = new LocalWebhookEndpoint(perEndpoint);
        try (ThrowawayEngine sandbox = ThrowawayEngine.create(cli, "bench-events", Map.of())) {
            JdbcTemplate jdbc = sandbox.engine().bean(JdbcTemplate.class);
            Outbox outbox = sandbox.engine().bean(Outbox.class);
            for (int from = 0; from < events; from += 10_000) {
                List<Outbox.Event> batch = new ArrayList<>();
                for (int i = from; i < Math.min(events, from + 10_000); i++) {
                    batch.add(new Outbox.Event(EventType.CHARGE_SUCCEEDED, Map.of("order_id", "BE-" + i, "amount_minor", 100L + i % 1000,
                            "currency", "AED")));
                }
                outbox.append(batch);
            }
            cli.out().printf("%,d events in the outbox; delivering them to a local endpoint, %d in flight%n", events, perEndpoint);
            EventsProperties settings = new EventsProperties(List.of(new EventsProperties.Endpoint("bench", endpoint.url(), "*",
                    LocalWebhookEndpoint.SECRET, null)),
                    Duration.ofSeconds(10), null, null, perEndpoint, null, null);
            EventDispatcher dispatcher = new EventDispatcher(jdbc, sandbox.engine().bean(PlatformTransactionManager.class), settings,
                    sandbox.engine().bean(EngineThreads.class), List.of());
            long started = System.nanoTime();
            EventDispatcher.Pass pass = dispatcher.deliverDue(Duration.ofMinutes(30));
            double seconds = Math.max(0.001, (System.nanoTime() - started) / 1e9);
            int delivered = jdbc.queryForObject("SELECT count(*) FROM event_deliveries WHERE status = 'DELIVERED'", Integer.class);
            cli.out().printf("delivered %,d events in %.1f s (fan-out included): %,.0f per second; the endpoint got %,d posts of %,d"
                    + " distinct events, %,d badly signed; peak heap %,d MB of %,d MB max%n", delivered, seconds, delivered / seconds,
                    endpoint.posts(), endpoint.distinct(), endpoint.badlySigned(), BenchCommand.peakHeap() >> 20, Runtime.getRuntime().maxMemory() >> 20);
            return pass.delivered() == events && delivered == events && endpoint.distinct() == events && endpoint.badlySigned() == 0 ? ExitCodes.OK
                    : ExitCodes.FAILED;
        } finally {
            endpoint.close();
        }
    }
}
