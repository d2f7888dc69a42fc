package dev.billing.operations;

/** The command was given something it cannot use (a missing file, a wrong option): exit code 2. */
public class UsageException extends OperatorException {

    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
