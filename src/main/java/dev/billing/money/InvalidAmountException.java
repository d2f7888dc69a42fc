package dev.billing.money;

/** An amount that cannot be money; the message is written for the person who supplied it. */
public class InvalidAmountException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidAmountException(String message) {
        super(message);
    }
}
