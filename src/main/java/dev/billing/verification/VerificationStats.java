package dev.billing.verification;

import java.util.List;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/** What a verification step did, kept in its execution context (committed with each chunk). */
public record VerificationStats(long verified, long declined, long invalid, long unknown, long givenBack, long stillOwed) {

    private static final String PREFIX = "verification.";

    public static VerificationStats from(ExecutionContext c) {
        return new VerificationStats(c.getLong(PREFIX + "verified", 0), c.getLong(PREFIX + "declined", 0), c.getLong(PREFIX + "invalid", 0),
                c.getLong(PREFIX + "unknown", 0), c.getLong(PREFIX + "given-back", 0), c.getLong(PREFIX + "still-owed", 0));
    }

    public static VerificationStats of(List<Verification.Result> results) {
        long verified = 0, declined = 0, invalid = 0, unknown = 0, givenBack = 0, owed = 0;
        for (Verification.Result r : results) {
            if (r.charge() != null) {
                switch (r.charge().outcome()) {
                    case SUCCESS -> verified++;
                    case SOFT_DECLINE -> declined++;
                    case HARD_DECLINE -> invalid++;
                    default -> unknown++;
                }
            }
            boolean chargeTook = r.charge() == null || VerificationLedger.succeeded(r.charge());
            if (!r.withdrawn() && chargeTook) {
                if (VerificationLedger.succeeded(r.reversal())) {
                    givenBack++;
                } else {
                    owed++;
                }
            }
        }
        return new VerificationStats(verified, declined, invalid, unknown, givenBack, owed);
    }

    void addTo(ExecutionContext c) {
        VerificationStats t = from(c);
        c.putLong(PREFIX + "verified", t.verified + verified);
        c.putLong(PREFIX + "declined", t.declined + declined);
        c.putLong(PREFIX + "invalid", t.invalid + invalid);
        c.putLong(PREFIX + "unknown", t.unknown + unknown);
        c.putLong(PREFIX + "given-back", t.givenBack + givenBack);
        c.putLong(PREFIX + "still-owed", t.stillOwed + stillOwed);
    }

    @Override
    public String toString() {
        return String.format("%,d verified, %,d soft-declined, %,d invalid, %,d unknown; %,d given back, %,d still owed",
                verified, declined, invalid, unknown, givenBack, stillOwed);
    }
}
