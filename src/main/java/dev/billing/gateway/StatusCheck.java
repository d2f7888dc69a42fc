package dev.billing.gateway;

/**
 * What CHECK_STATUS said about a merchant reference: not answered (the query's own outcome is unknown; it may be asked
 * again), answered that the gateway does not know the reference ({@code 12036}), or answered with the order's last
 * operation ({@code 12000}).
 *
 * @param transaction the order's last operation; null unless {@link #found()}
 */
public record StatusCheck(Answer answer, Transaction transaction, GatewayReply reply) {

    /** How the query itself ended. */
    public enum Answer { NOT_ANSWERED, NOT_FOUND, FOUND }

    /**
     * The order's last operation as the gateway holds it.
     *
     * @param outcome how it ended, classified like a reply to the command that was asked about
     */
    public record Transaction(String code, String message, OutcomeClass outcome, long authorizedAmount, long capturedAmount,
                              long refundedAmount) {
    }

    public static StatusCheck notAnswered(GatewayReply reply) {
        return new StatusCheck(Answer.NOT_ANSWERED, null, reply);
    }

    public static StatusCheck notFound(GatewayReply reply) {
        return new StatusCheck(Answer.NOT_FOUND, null, reply);
    }

    public static StatusCheck found(Transaction transaction, GatewayReply reply) {
        return new StatusCheck(Answer.FOUND, transaction, reply);
    }

    /** The query itself succeeded, or said the reference is unknown. */
    public boolean answered() {
        return answer != Answer.NOT_ANSWERED;
    }

    /** The gateway knows the reference. */
    public boolean found() {
        return answer == Answer.FOUND;
    }

    public String transactionCode() {
        return transaction == null ? null : transaction.code();
    }

    public String transactionMessage() {
        return transaction == null ? null : transaction.message();
    }

    /** How the order's last operation ended; UNKNOWN when the gateway did not say. */
    public OutcomeClass transactionOutcome() {
        return transaction == null ? OutcomeClass.UNKNOWN : transaction.outcome();
    }

    public long authorizedAmount() {
        return transaction == null ? 0 : transaction.authorizedAmount();
    }

    public long capturedAmount() {
        return transaction == null ? 0 : transaction.capturedAmount();
    }

    public long refundedAmount() {
        return transaction == null ? 0 : transaction.refundedAmount();
    }
}
