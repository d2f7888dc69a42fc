package dev.billing.charging;

import java.util.List;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/** What a charge or resolve step did, kept in its execution context (committed with each chunk). */
public record ChargeStats(long charged, long declined, long failed, long unknown, long held) {

    private static final String PREFIX = "charge.";

    public static ChargeStats from(ExecutionContext context) {
        return new ChargeStats(context.getLong(PREFIX + "charged", 0), context.getLong(PREFIX + "declined", 0),
                context.getLong(PREFIX + "failed", 0), context.getLong(PREFIX + "unknown", 0), context.getLong(PREFIX + "held", 0));
    }

    public static ChargeStats of(List<ChargeResult> results) {
        long charged = 0, declined = 0, failed = 0, unknown = 0, held = 0;
        for (ChargeResult r : results) {
            if (r.kind() == ChargeResult.Kind.WITHDRAWN) {
                continue;
            }
            if (r.kind() != ChargeResult.Kind.SENT) {
                held++;
                continue;
            }
            switch (r.reply().outcome()) {
                case SUCCESS -> charged++;
                case SOFT_DECLINE -> declined++;
                case HARD_DECLINE -> failed++;
                default -> unknown++;
            }
        }
        return new ChargeStats(charged, declined, failed, unknown, held);
    }

    public ChargeStats plus(ChargeStats o) {
        return new ChargeStats(charged + o.charged, declined + o.declined, failed + o.failed, unknown + o.unknown, held + o.held);
    }

    void addTo(ExecutionContext context) {
        ChargeStats total = from(context).plus(this);
        context.putLong(PREFIX + "charged", total.charged);
        context.putLong(PREFIX + "declined", total.declined);
        context.putLong(PREFIX + "failed", total.failed);
        context.putLong(PREFIX + "unknown", total.unknown);
        context.putLong(PREFIX + "held", total.held);
    }

    @Override
    public String toString() {
        return String.format("%,d charged, %,d declined (retry scheduled or out of retries), %,d hard-declined, %,d unknown, %,d held",
                charged, declined, failed, unknown, held);
    }
}
