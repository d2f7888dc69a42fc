package dev.billing.command;

/** The exit codes of the contract. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int ROWS_REJECTED = 3;

    private ExitCodes() {
    }
}
