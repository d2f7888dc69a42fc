package dev.billing.verification;

import dev.billing.money.CurrencyUnit;
import dev.billing.money.Money;
import java.util.Locale;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * {@code billing.verification.*}: the mode, the currency and the micro-amount ({@code billing.verification.amount.<CUR>},
 * by default one major unit), and how many soft-declined verifications a token gets before it is INVALID.
 */
@Component
public class VerificationSettings {

    final VerificationMode mode;
    final Money amount;
    final int maxAttempts;

    public VerificationSettings(Environment environment,
                                @Value("${billing.verification.mode:PURCHASE_REFUND}") String mode,
                                @Value("${billing.verification.currency:AED}") String currency,
                                @Value("${billing.verification.max-attempts:3}") int maxAttempts) {
        try {
            this.mode = VerificationMode.valueOf(mode.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("billing.verification.mode '" + mode + "' must be PURCHASE_REFUND or AUTHORIZE_VOID");
        }
        CurrencyUnit unit = CurrencyUnit.of(currency.trim().toUpperCase(Locale.ROOT)).orElseThrow(() ->
                new IllegalArgumentException("billing.verification.currency '" + currency + "' is not an ISO 4217 currency"));
        String configured = environment.getProperty("billing.verification.amount." + unit.code());
        this.amount = Money.parse(configured == null ? "1" : configured, unit);
        if (!amount.isPositive()) {
            throw new IllegalArgumentException("billing.verification.amount." + unit.code() + " must be greater than zero");
        }
        this.maxAttempts = Math.max(1, maxAttempts);
    }
}
