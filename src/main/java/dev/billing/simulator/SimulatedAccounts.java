package dev.billing.simulator;

import dev.billing.gateway.GatewayProperties;
import dev.billing.gateway.LocalGateway;
import dev.billing.gateway.LocalGateways;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The built-in simulator's gateways of the accounts besides the default one: one endpoint each, on its own loopback port,
 * answering only that account's credentials and currencies and recording under its merchant identifier, as separate APS
 * merchant accounts would. All share the simulator's store (its records are kept per merchant identifier).
 */
public final class SimulatedAccounts implements LocalGateways, AutoCloseable {

    /** Starts the simulator of one account. */
    @FunctionalInterface
    interface Starter {
        ApsSimulator start(String account, GatewayProperties credentials, GatewayProperties page) throws IOException;
    }

    private final Starter starter;
    private final Map<String, ApsSimulator> started = new ConcurrentHashMap<>();

    SimulatedAccounts(Starter starter) {
        this.starter = starter;
    }

    @Override
    public LocalGateway forAccount(String account, GatewayProperties credentials, GatewayProperties page, Set<String> currencies) {
        return started.computeIfAbsent(account, name -> {
            try {
                return starter.start(name, credentials, page).chargingOnly(currencies);
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
