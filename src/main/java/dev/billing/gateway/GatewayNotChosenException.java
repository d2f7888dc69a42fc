package dev.billing.gateway;

import dev.billing.support.InvalidInputException;

/** No gateway is set: neither {@code billing.gateway.url} nor {@code billing.gateway.simulator=true}. A usage error. */
public class GatewayNotChosenException extends InvalidInputException {

    private static final long serialVersionUID = 1L;

    public GatewayNotChosenException() {
        super("no gateway is set: set billing.gateway.url (APS's paymentApi address) and its credentials, or choose the built-in"
                + " simulator with --billing.gateway.simulator=true (no card is charged; demo and the benchmarks choose it themselves)");
    }
}
