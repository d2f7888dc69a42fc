package dev.billing.database;

/** The embedded database could not be started or reached; the message says what to do. */
public class EmbeddedDatabaseException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    public EmbeddedDatabaseException(String message) {
        super(message);
    }

    public EmbeddedDatabaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
