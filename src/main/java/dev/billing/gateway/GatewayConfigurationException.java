package dev.billing.gateway;

/** The gateway refused our requests as misconfigured: the run stops, no order is marked failed. */
public class GatewayConfigurationException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    public GatewayConfigurationException(String message) {
        super(message);
    }
}
