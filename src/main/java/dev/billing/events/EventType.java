package dev.billing.events;

import java.util.Locale;

/** What the outside world hears of, by the names webhooks carry ({@code charge.succeeded}...). */
public enum EventType {
    CHARGE_SUCCEEDED, CHARGE_DECLINED, CHARGE_FAILED, ORDER_HELD, TOKEN_INVALID, TOKEN_DEACTIVATED, TOKEN_EXPIRING,
    REFUND_SUCCEEDED, REFUND_FAILED, NIGHT_COMPLETED, NIGHT_FAILED;

    /** The wire name: {@code charge.succeeded}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT).replaceFirst("_", ".");
    }

    /** The type of a wire name; throws {@link IllegalArgumentException} naming the known ones. */
    public static EventType of(String wire) {
        for (EventType type : values()) {
            if (type.wire().equals(wire.strip())) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown event type " + wire + " (known: " + java.util.Arrays.stream(values())
                .map(EventType::wire).collect(java.util.stream.Collectors.joining(", ")) + ")");
    }
}
