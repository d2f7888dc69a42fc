package dev.billing.command;

/** The exit codes of the contract. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int ROWS_REJECTED = 3;
    /** A refund (or some rows of a file) waits for a second person's approval. */
    public static final int WAITING_FOR_APPROVAL = 4;

    private ExitCodes() {
    }
}
