package dev.billing.support;

/** An operator's request that cannot be carried out; the message says why and what to do instead. */
public class OperatorException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    public OperatorException(String message) {
        super(message);
    }
}
