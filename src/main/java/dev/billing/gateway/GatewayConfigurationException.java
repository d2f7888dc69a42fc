package dev.billing.gateway;

/** The gateway refused our requests as misconfigured: the run stops, no order is marked failed. */
public class GatewayConfigurationException extends RuntimeException {
    public GatewayConfigurationException(String message) {
        super(message);
    }
}
