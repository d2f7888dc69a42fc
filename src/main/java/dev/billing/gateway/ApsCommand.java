package dev.billing.gateway;

/** The paymentApi operations the engine sends, and the response code each answers with on success. */
public enum ApsCommand {
    PURCHASE("command", "14000"),
    AUTHORIZATION("command", "02000"),
    REFUND("command", "06000"),
    VOID_AUTHORIZATION("command", "08000"),
    CHECK_STATUS("query_command", "12000");

    private final String field;
    private final String successCode;

    ApsCommand(String field, String successCode) {
        this.field = field;
        this.successCode = successCode;
    }

    /** {@code command} for operations, {@code query_command} for CHECK_STATUS. */
    public String field() {
        return field;
    }

    public String successCode() {
        return successCode;
    }
}
