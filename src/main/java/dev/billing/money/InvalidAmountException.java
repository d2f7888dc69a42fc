package dev.billing.money;

/** An amount that cannot be money; the message is written for the person who supplied it. */
public class InvalidAmountException extends IllegalArgumentException {
    public InvalidAmountException(String message) {
        super(message);
    }
}
