package dev.billing.console;

import java.util.Locale;

/** What a person may do: VIEWER reads; FINANCE also reports and settlement matching; OPERATOR also acts. */
public enum Role {
    VIEWER, FINANCE, OPERATOR;

    /** The role named by {@code text} (any case), or null. */
    public static Role parse(String text) {
        try {
            return text == null ? null : valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
