package dev.billing.verification;

import dev.billing.ledger.Settings;
import dev.billing.money.CurrencyUnit;
import dev.billing.money.InvalidAmountException;
import dev.billing.money.Money;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code billing.verification.*}, each default written here once: the mode, the currency of the micro-charge and
 * its amount per currency ({@code billing.verification.amount.<CUR>}, one major unit when not set), and how many
 * soft-declined verifications a token gets before it is INVALID. A bad value stops the engine at start with one line.
 */
@ConfigurationProperties("billing.verification")
public record VerificationProperties(@DefaultValue("PURCHASE_REFUND") VerificationMode mode, @DefaultValue("AED") String currency,
                                     @DefaultValue("3") int maxAttempts, Map<String, String> amount) {

    public VerificationProperties {
        amount = amount == null ? Map.of() : Map.copyOf(amount);
        unit("billing.verification.currency", currency);
        Settings.atLeast("billing.verification.max-attempts", maxAttempts, 1);
        amount.forEach((code, value) -> microAmount(unit("billing.verification.amount." + code, code), value));
    }

    /** The micro-charge: {@code billing.verification.amount.<currency>}, or one major unit of the currency. */
    public Money microAmount() {
        return microAmount(currency);
    }

    /** The micro-charge in {@code code}: {@code billing.verification.amount.<code>}, or one major unit of it. */
    public Money microAmount(String code) {
        CurrencyUnit unit = unit("billing.verification.currency", code);
        String configured = amount.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(unit.code()))
                .map(Map.Entry::getValue).findFirst().orElse("1");
        return microAmount(unit, configured);
    }

    private static Money microAmount(CurrencyUnit unit, String value) {
        String property = "billing.verification.amount." + unit.code();
        try {
            Money money = Money.parse(value.trim(), unit);
            if (!money.isPositive()) {
                throw new IllegalArgumentException(property + " must be greater than zero, not " + value);
            }
            return money;
        } catch (InvalidAmountException e) {
            // the message says it all: a cause would make the reader's one line the cause's, without the property
            throw new IllegalArgumentException(property + " '" + value + "' is not an amount of " + unit.code() + ": " + e.getMessage());
        }
    }

    private static CurrencyUnit unit(String property, String code) {
        return CurrencyUnit.of(code.trim().toUpperCase(Locale.ROOT)).orElseThrow(() ->
                new IllegalArgumentException(property + ": '" + code + "' is not an ISO 4217 currency code (like AED, KWD, JPY)"));
    }
}
