package dev.billing.support;

/** The command was given something it cannot use (a missing file, a wrong option): exit code 2. */
public class InvalidInputException extends OperatorException {

    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }
}
