package dev.billing.simulator;

import dev.billing.gateway.GatewayAccounts;
import dev.billing.gateway.GatewayProperties;
import dev.billing.gateway.LocalGateway;
import dev.billing.gateway.LocalGateways;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The built-in simulator's gateway of every account (the default one's is the in-process simulator): one endpoint each, on
 * its own loopback port,
 * answering only that account's credentials and currencies and recording under its merchant identifier, as separate APS
 * merchant accounts would. All share the simulator's store (its records are kept per merchant identifier).
 */
public final class SimulatedAccounts implements LocalGateways, AutoCloseable {

    /** Starts the simulator of one account. */
    @FunctionalInterface
    interface Starter {
        ApsSimulator start(String account, GatewayProperties credentials, GatewayProperties page, Set<String> currencies) throws IOException;
    }

    private final Supplier<ApsSimulator> defaultAccount;
    private final Starter starter;
    private final Map<String, ApsSimulator> started = new ConcurrentHashMap<>();

    /** @param defaultAccount the default account's simulator (the in-process one, closed with its own bean) */
    SimulatedAccounts(Supplier<ApsSimulator> defaultAccount, Starter starter) {
        this.defaultAccount = defaultAccount;
        this.starter = starter;
    }

    @Override
    public LocalGateway forAccount(String account, GatewayProperties credentials, GatewayProperties page, Set<String> currencies) {
        if (account.equals(GatewayAccounts.DEFAULT)) {
            return defaultAccount.get();
        }
        return started.computeIfAbsent(account, name -> {
            try {
                return starter.start(name, credentials, page, currencies);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the built-in APS simulator of account " + name + ": " + e.getMessage(), e);
            }
        });
    }

    /** The simulator of {@code account}, if it was started. */
    public ApsSimulator simulator(String account) {
        return started.get(account);
    }

    @Override
    public void close() {
        started.values().forEach(ApsSimulator::close);
        started.clear();
    }
}
