package dev.billing.gateway;

/** The paymentApi operations the engine sends, and the response code each answers with on success. */
public enum ApsCommand {
    PURCHASE("command", "14000"),
    AUTHORIZATION("command", "02000"),
    REFUND("command", "06000"),
    VOID_AUTHORIZATION("command", "08000"),
    CHECK_STATUS("query_command", "12000"),
    /** A stored token's status (ACTIVE or INACTIVE); aps-protocol.md 3.6: {@code service_command}, success {@code 58000}. */
    UPDATE_TOKEN("service_command", "58000");

    private final String field;
    private final String successCode;

    ApsCommand(String field, String successCode) {
        this.field = field;
        this.successCode = successCode;
    }

    /** {@code command} for operations, {@code query_command} for CHECK_STATUS, {@code service_command} for UPDATE_TOKEN. */
    public String field() {
        return field;
    }

    public String successCode() {
        return successCode;
    }
}
