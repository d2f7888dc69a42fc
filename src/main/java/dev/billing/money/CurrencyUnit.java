package dev.billing.money;

import java.util.Currency;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An ISO 4217 currency and its exponent (number of minor-unit digits).
 *
 * <p>The JDK's ISO 4217 table is the source of codes and exponents. Codes that have no minor unit defined
 * (precious metals, testing and "no currency" codes such as XAU, XTS, XXX) are not money a card can be
 * charged in and are refused.
 */
public record CurrencyUnit(String code, int exponent) {

    /**
     * ISO 4217's {@code XXX}, "no currency involved": the unit of a ledger row that moves no money (a token
     * deactivation, amount 0). Never chargeable: {@link #of(String)} refuses it; {@link #require(String)} reads it back.
     */
    public static final CurrencyUnit NONE = new CurrencyUnit("XXX", 0);

    public CurrencyUnit {
        if (!threeCapitals(code)) {
            throw new IllegalArgumentException("currency code must be three capital letters");
        }
        if (exponent < 0 || exponent > 4) {
            throw new IllegalArgumentException("currency exponent must be 0..4");
        }
    }

    /** The currency for an ISO 4217 code, or empty when the code is not a chargeable ISO currency. */
    public static Optional<CurrencyUnit> of(String code) {
        if (!threeCapitals(code)) {
            return Optional.empty();
        }
        return KNOWN.computeIfAbsent(code, CurrencyUnit::lookUp);
    }

    /** The units looked up so far, by code: every row of an import and every charge names one. */
    private static final Map<String, Optional<CurrencyUnit>> KNOWN = new ConcurrentHashMap<>();

    private static boolean threeCapitals(String code) {
        if (code == null || code.length() != 3) {
            return false;
        }
        for (int i = 0; i < 3; i++) {
            char c = code.charAt(i);
            if (c < 'A' || c > 'Z') {
                return false;
            }
        }
        return true;
    }

    private static Optional<CurrencyUnit> lookUp(String code) {
        Currency currency;
        try {
            currency = Currency.getInstance(code.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int digits = currency.getDefaultFractionDigits();
        if (digits < 0) {
            return Optional.empty();
        }
        return Optional.of(new CurrencyUnit(currency.getCurrencyCode(), digits));
    }

    /** Like {@link #of(String)}, for codes that were validated before (read back from the database). */
    public static CurrencyUnit require(String code) {
        if (NONE.code().equals(code)) {
            return NONE;
        }
        return of(code).orElseThrow(() -> new IllegalArgumentException("not an ISO 4217 currency: " + code));
    }

    long minorPerMajor() {
        long factor = 1;
        for (int i = 0; i < exponent; i++) {
            factor *= 10;
        }
        return factor;
    }

    @Override
    public String toString() {
        return code;
    }
}
