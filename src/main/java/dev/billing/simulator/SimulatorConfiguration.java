package dev.billing.simulator;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.billing.gateway.GatewayAccounts;
import dev.billing.gateway.GatewayProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;

/** The built-in APS simulator, started in this process on a free loopback port when the client first needs it. */
@Configuration(proxyBeanMethods = false)
public class SimulatorConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SimulatorConfiguration.class);

    @Bean(destroyMethod = "close")
    @Lazy
    ApsSimulator inProcessSimulator(GatewayProperties gateway, GatewayAccounts accounts, SimulatorProperties simulator,
                                    SimulatorAccountsProperties perAccount, SimulatorNotificationProperties configured,
                                    DataSource dataSource, Environment environment) {
        SimulatorNotificationProperties notifications = notifications(configured, environment);
        try {
            ApsSimulator started = start(dataSource, gateway.forSimulator(null), accounts.pageCredentials(GatewayAccounts.DEFAULT),
                    perAccount.forAccount(GatewayAccounts.DEFAULT, simulator), notifications, 0,
                    accounts.account(GatewayAccounts.DEFAULT).currencies());
            log.warn("billing.gateway.simulator=true: the built-in APS simulator at {} is the gateway (no card is charged;"
                    + " every ledger row says 'simulator' and its nights are SIMULATED){}", started.url(),
                    notifications.enabled() ? "; it posts notifications to " + notifications.notificationUrl() : "");
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the built-in APS simulator: " + e.getMessage(), e);
        }
    }

    /**
     * The simulator's gateway of every account: the default account's is {@link #inProcessSimulator}; each other's is
     * started when its account's client first needs it.
     */
    @Bean(destroyMethod = "close")
    @Lazy
    SimulatedAccounts simulatedAccounts(ObjectProvider<ApsSimulator> inProcessSimulator, SimulatorProperties simulator,
                                        SimulatorAccountsProperties perAccount, SimulatorNotificationProperties configured,
                                        DataSource dataSource, Environment environment) {
        return new SimulatedAccounts(inProcessSimulator::getObject, (account, credentials, page, currencies) -> {
            ApsSimulator started = start(dataSource, credentials, page, perAccount.forAccount(account, simulator),
                    notifications(configured, environment), 0, currencies);
            log.warn("billing.gateway.simulator=true: the built-in APS simulator at {} is account {}'s gateway (merchant {})",
                    started.url(), account, credentials.merchantIdentifier());
            return started;
        });
    }

    /**
     * Starts a simulator of one merchant account on {@code port} (0: a free one), on a pool of its own on the engine's
     * database ({@link #simulatorDataSource}): it answers calls as {@code credentials}, its hosted page as {@code page},
     * and charges only {@code currencies} (empty: any).
     */
    public static ApsSimulator start(DataSource engine, GatewayProperties credentials, GatewayProperties page, SimulatorProperties faults,
                                     SimulatorNotificationProperties notifications, int port, Set<String> currencies) throws IOException {
        DataSource own = simulatorDataSource(engine);
        return new ApsSimulator(new SimulatorStore(own, own != engine), credentials, page, faults, notifications, port).chargingOnly(currencies);
    }

    private static SimulatorNotificationProperties notifications(SimulatorNotificationProperties configured, Environment environment) {
        if (!SimulatorNotificationProperties.SELF.equals(configured.notificationUrl())) {
            return configured;
        }
        // created when the client first needs it, after the web server (if any) is up and its port known
        String port = environment.getProperty("local.server.port");
        if (port == null) {
            log.warn("billing.simulator.notification-url=self needs this process's web server (serve): no notifications");
            return configured.withUrl(null);
        }
        String address = environment.getProperty("server.address", "127.0.0.1");
        String host = address.equals("0.0.0.0") || address.equals("::") ? "127.0.0.1" : address.contains(":") ? "[" + address + "]" : address;
        return configured.withUrl("http://" + host + ":" + port + "/aps/notifications");
    }

    /**
     * A small pool of the simulator's own on the engine's database, committing asynchronously: the simulator
     * stands in for a remote system and must not slow the engine's own durable commits.
     */
    public static DataSource simulatorDataSource(DataSource engine) {
        if (!(engine instanceof HikariDataSource hikari)) {
            return engine;
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(hikari.getJdbcUrl());
        config.setUsername(hikari.getUsername());
        config.setPassword(hikari.getPassword());
        config.setMaximumPoolSize(16);
        config.setMinimumIdle(1);
        config.setPoolName("aps-simulator");
        config.setConnectionInitSql("SET synchronous_commit = off");
        return new HikariDataSource(config);
    }
}
