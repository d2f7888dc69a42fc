package dev.billing.refunds;

import dev.billing.money.CurrencyUnit;
import dev.billing.money.InvalidAmountException;
import dev.billing.money.Money;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code billing.refunds.*}: above what amount, per currency, a refund waits for a second person's approval
 * ({@code billing.refunds.approval-above.<CUR>}, in major units; a currency with no threshold has every refund
 * approved by a second person), and how long a request waits before it expires. A bad value stops the engine at start
 * with one line.
 */
@ConfigurationProperties("billing.refunds")
public record RefundProperties(Map<String, String> approvalAbove, @DefaultValue("P7D") Duration approvalExpiresAfter) {

    /** The thresholds when none is set: about 250 US dollars' worth in each currency APS settles. */
    static final Map<String, String> DEFAULT_APPROVAL_ABOVE = Map.ofEntries(Map.entry("AED", "1000"), Map.entry("SAR", "1000"),
            Map.entry("QAR", "1000"), Map.entry("KWD", "75"), Map.entry("BHD", "100"), Map.entry("OMR", "100"), Map.entry("JOD", "175"),
            Map.entry("EGP", "12000"), Map.entry("USD", "250"), Map.entry("EUR", "250"), Map.entry("GBP", "200"));

    public RefundProperties {
        Map<String, String> merged = new HashMap<>(DEFAULT_APPROVAL_ABOVE);
        if (approvalAbove != null) {
            approvalAbove.forEach((code, value) -> merged.put(code.toUpperCase(Locale.ROOT), value));
        }
        merged.forEach((code, value) -> threshold(code, value));
        approvalAbove = Map.copyOf(merged);
        if (approvalExpiresAfter.isNegative() || approvalExpiresAfter.isZero()) {
            throw new IllegalArgumentException("billing.refunds.approval-expires-after must be positive, not " + approvalExpiresAfter);
        }
    }

    /** Whether a refund of {@code amount} waits for a second person. */
    public boolean needsApproval(Money amount) {
        String configured = approvalAbove.get(amount.currency().code());
        return configured == null || amount.minorUnits() > threshold(amount.currency().code(), configured).minorUnits();
    }

    /** The threshold of {@code currency}, or null when every refund in it is approved by a second person. */
    public Money threshold(CurrencyUnit currency) {
        String configured = approvalAbove.get(currency.code());
        return configured == null ? null : threshold(currency.code(), configured);
    }

    private static Money threshold(String code, String value) {
        String property = "billing.refunds.approval-above." + code;
        CurrencyUnit unit = CurrencyUnit.of(code).orElseThrow(() -> new IllegalArgumentException(property + ": " + code
                + " is not an ISO 4217 currency code"));
        try {
            return Money.parse(value, unit);
        } catch (InvalidAmountException e) {
            throw new IllegalArgumentException(property + ": " + e.getMessage());
        }
    }
}
