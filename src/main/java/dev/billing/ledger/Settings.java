package dev.billing.ledger;

import java.time.Duration;

/** The checks of the settings records: each failure is one line naming the property and what it accepts. */
public final class Settings {

    private Settings() {
    }

    public static void atLeast(String property, long value, long least) {
        if (value < least) {
            throw new IllegalArgumentException(property + " must be at least " + least + ", not " + value);
        }
    }

    public static void notNegative(String property, Duration value) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException(property + " must be a duration like 200ms or 30s, not negative");
        }
    }

    public static void positive(String property, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(property + " must be a positive duration like 200ms or 30s");
        }
    }
}
