package dev.billing.gateway;

/**
 * What CHECK_STATUS said about a merchant reference.
 *
 * @param answered  the query itself succeeded ({@code 12000}) or said the reference is unknown ({@code 12036});
 *                  false when the query's own outcome is unknown (it may be asked again)
 * @param found     the gateway knows the reference
 * @param transactionOutcome how the order's last operation ended, classified like a reply to {@code command}
 */
public record StatusCheck(boolean answered, boolean found, String transactionCode, String transactionMessage,
                          OutcomeClass transactionOutcome, long authorizedAmount, long capturedAmount, long refundedAmount,
                          GatewayReply reply) {

    public static StatusCheck notAnswered(GatewayReply reply) {
        return new StatusCheck(false, false, null, null, OutcomeClass.UNKNOWN, 0, 0, 0, reply);
    }
}
