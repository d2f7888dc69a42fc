package dev.billing.cli;

import dev.billing.command.CliContext;
import dev.billing.command.ExitCodes;
import dev.billing.gateway.GatewayAccounts;
import dev.billing.gateway.GatewayProperties;
import dev.billing.simulator.ApsSimulator;
import dev.billing.simulator.SimulatorAccountsProperties;
import dev.billing.simulator.SimulatorConfiguration;
import dev.billing.simulator.SimulatorNotificationProperties;
import dev.billing.simulator.SimulatorProperties;
import dev.billing.support.EngineThreads;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "simulator", mixinStandardHelpOptions = true,
        description = {"Runs the built-in Amazon Payment Services simulator alone, on loopback, until stopped (Ctrl-C / SIGTERM).",
            "It keeps its records in the schema aps_simulator of the engine's database. Point an engine at it with",
            "--billing.gateway.url=http://127.0.0.1:PORT/FortAPI/paymentApi and the same billing.gateway credentials."})
class SimulatorCommand implements Callable<Integer> {

    private final CliContext cli;

    @Option(names = "--port", defaultValue = "8089", description = "Port on 127.0.0.1 (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--latency-ms", description = "Added before every reply.")
    Long latencyMs;

    @Option(names = "--lost-reply-rate", description = "Share of operations recorded whose reply is then lost (0..1).")
    Double lostReplyRate;

    @Option(names = "--http-500-rate", description = "Share of operations answered HTTP 500 before anything is recorded.")
    Double http500Rate;

    @Option(names = "--technical-error-rate", description = "Share of operations answered 00006 before anything is recorded.")
    Double technicalErrorRate;

    @Option(names = "--slow-reply-rate", description = "Share of operations recorded whose reply comes after --slow-reply-ms.")
    Double slowReplyRate;

    @Option(names = "--slow-reply-ms", description = "Delay of a slow reply (default 40000).")
    Long slowReplyMs;

    @Option(names = "--bad-signature-rate", description = "Share of operations recorded whose reply is wrongly signed.")
    Double badSignatureRate;

    @Option(names = "--seed", description = "Seed of the fault draws, for repeatable runs.")
    Long seed;

    @Option(names = "--notification-url", description = "Post a signed notification of each operation here, as APS does"
            + " (e.g. http://127.0.0.1:8081/aps/notifications).")
    String notificationUrl;

    SimulatorCommand(CliContext cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws Exception {
        Map<String, Object> overrides = new HashMap<>();
        putIfSet(overrides, "billing.simulator.latency", latencyMs == null ? null : latencyMs + "ms");
        putIfSet(overrides, "billing.simulator.lost-reply-rate", lostReplyRate);
        putIfSet(overrides, "billing.simulator.http500-rate", http500Rate);
        putIfSet(overrides, "billing.simulator.technical-error-rate", technicalErrorRate);
        putIfSet(overrides, "billing.simulator.slow-reply-rate", slowReplyRate);
        putIfSet(overrides, "billing.simulator.slow-reply-delay", slowReplyMs == null ? null : slowReplyMs + "ms");
        putIfSet(overrides, "billing.simulator.bad-signature-rate", badSignatureRate);
        putIfSet(overrides, "billing.simulator.seed", seed);
        putIfSet(overrides, "billing.simulator.notification-url", notificationUrl);
        cli.engine().override(overrides);
        GatewayProperties credentials = cli.engine().bean(GatewayProperties.class).forSimulator(null);
        SimulatorProperties faults = cli.engine().bean(SimulatorProperties.class);
        SimulatorNotificationProperties notifications = cli.engine().bean(SimulatorNotificationProperties.class);
        DataSource engineData = cli.engine().bean(DataSource.class);
        CountDownLatch stopped = new CountDownLatch(1);
        GatewayAccounts accounts = cli.engine().bean(GatewayAccounts.class);
        SimulatorAccountsProperties perAccount = cli.engine().bean(SimulatorAccountsProperties.class);
        List<ApsSimulator> others = new ArrayList<>();
        try (ApsSimulator simulator = SimulatorConfiguration.start(engineData, credentials, accounts.pageCredentials(GatewayAccounts.DEFAULT),
                perAccount.forAccount(GatewayAccounts.DEFAULT, faults), notifications, port, accounts.account(GatewayAccounts.DEFAULT).currencies())) {
            EngineThreads.atJvmExit("simulator-stop", stopped::countDown);
            cli.out().printf("APS simulator listening on %s (merchant %s, %s); %s%n", simulator.url(),
                    credentials.merchantIdentifier(), credentials.signature().label(), describe(faults)
                    + (notifications.enabled() ? "; notifications to " + notifications.notificationUrl() : ""));
            // each other account on a port of its own (the next ones after --port), with its own credentials, as APS
            // holds each merchant identifier apart
            int next = port == 0 ? 0 : port + 1;
            for (String name : accounts.names()) {
                if (name.equals(GatewayAccounts.DEFAULT)) {
                    continue;
                }
                GatewayProperties account = accounts.effective(name);
                ApsSimulator served = SimulatorConfiguration.start(engineData, account, accounts.pageCredentials(name),
                        perAccount.forAccount(name, faults), notifications, next, accounts.account(name).currencies());
                others.add(served);
                next = next == 0 ? 0 : next + 1;
                cli.out().printf("account %s: APS simulator listening on %s (merchant %s)%n", name, served.url(), account.merchantIdentifier());
            }
            stopped.await();
        } finally {
            others.forEach(ApsSimulator::close);
        }
        return ExitCodes.OK;
    }

    private static void putIfSet(Map<String, Object> map, String name, Object value) {
        if (value != null) {
            map.put(name, value);
        }
    }

    static String describe(SimulatorProperties f) {
        return String.format("latency %d ms, faults: lost reply %.0f%%, HTTP 500 %.0f%%, technical error %.0f%%, slow reply %.0f%%, bad signature %.0f%%",
                f.latency().toMillis(), f.lostReplyRate() * 100, f.http500Rate() * 100, f.technicalErrorRate() * 100,
                f.slowReplyRate() * 100, f.badSignatureRate() * 100);
    }
}
