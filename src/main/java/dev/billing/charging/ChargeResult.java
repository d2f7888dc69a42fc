package dev.billing.charging;

import dev.billing.gateway.GatewayReply;

/**
 * What happened to one due order in a run: charged with some reply, held (not charged, with the reason), or
 * prepared but not sent after all (its token was found dead meanwhile).
 */
public record ChargeResult(Kind kind, DueOrder order, GatewayReply reply, String reason) {

    /**
     * SENT: the gateway was called. HELD: not charged today, for a reason a person may act on. NOT_SENT: prepared,
     * then held after all (its token died meanwhile). WITHDRAWN: prepared, then not sent because the run stopped.
     */
    public enum Kind { SENT, HELD, NOT_SENT, WITHDRAWN }

    public static ChargeResult sent(DueOrder order, GatewayReply reply) {
        return new ChargeResult(Kind.SENT, order, reply, null);
    }

    public static ChargeResult held(DueOrder order, String reason) {
        return new ChargeResult(Kind.HELD, order, null, reason);
    }

    public static ChargeResult withdrawn(DueOrder order, String reason) {
        return new ChargeResult(Kind.WITHDRAWN, order, null, reason);
    }

    public static ChargeResult notSent(DueOrder order, String reason) {
        return new ChargeResult(Kind.NOT_SENT, order, null, reason);
    }
}
