package dev.billing.simulator;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code billing.simulator.account-latency.<account>}: how long the simulated gateway of one account takes to answer
 * (unset: {@code billing.simulator.latency}), so that a night over a fast and a slow account can be tried.
 */
@ConfigurationProperties("billing.simulator")
public record SimulatorAccountsProperties(Map<String, Duration> accountLatency) {

    public SimulatorAccountsProperties {
        accountLatency = accountLatency == null ? Map.of() : Map.copyOf(accountLatency);
    }

    /** The simulator's behaviour for {@code account}: {@code faults} with that account's latency, where one is set. */
    public SimulatorProperties forAccount(String account, SimulatorProperties faults) {
        Duration latency = accountLatency.get(account);
        return latency == null ? faults : faults.withLatency(latency);
    }
}
