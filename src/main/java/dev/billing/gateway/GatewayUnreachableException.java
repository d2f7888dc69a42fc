package dev.billing.gateway;

/** Calls in a row got no reply at all: the run stops rather than turn a whole night into unknown outcomes. */
public class GatewayUnreachableException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    public GatewayUnreachableException(String message) {
        super(message);
    }
}
