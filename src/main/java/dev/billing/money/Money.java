package dev.billing.money;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An amount of money: a whole number of minor units (fils, halalas, yen) in one currency.
 * Never a floating point number.
 */
public record Money(long minorUnits, CurrencyUnit currency) {

    private static final Pattern DECIMAL = Pattern.compile("(\\d+)(?:\\.(\\d+))?");

    public Money {
        Objects.requireNonNull(currency, "currency");
    }

    public static Money ofMinor(long minorUnits, CurrencyUnit currency) {
        return new Money(minorUnits, currency);
    }

    /**
     * Parses an amount written in major units with {@code .} as the decimal separator ({@code 125.50},
     * {@code 12.345}, {@code 500}). It must not have more decimals than the currency has minor digits.
     *
     * @throws InvalidAmountException with a reason a person understands
     */
    public static Money parse(String text, CurrencyUnit currency) {
        String value = text == null ? "" : text.trim();
        if (value.isEmpty()) {
            throw new InvalidAmountException("amount is empty");
        }
        if (value.startsWith("-")) {
            throw new InvalidAmountException("amount " + value + " is negative; it must be greater than zero");
        }
        Matcher m = DECIMAL.matcher(value);
        if (!m.matches()) {
            throw new InvalidAmountException("amount '" + value + "' is not a number like 125.50 (digits, '.' as decimal separator, no thousands separator)");
        }
        String whole = m.group(1);
        String fraction = m.group(2) == null ? "" : m.group(2);
        if (fraction.length() > currency.exponent()) {
            throw new InvalidAmountException("amount " + value + " has " + fraction.length() + " decimals but "
                    + currency.code() + " has " + currency.exponent());
        }
        String padded = fraction + "0".repeat(currency.exponent() - fraction.length());
        try {
            long minor = Math.addExact(Math.multiplyExact(Long.parseLong(whole), currency.minorPerMajor()),
                    padded.isEmpty() ? 0 : Long.parseLong(padded));
            return new Money(minor, currency);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new InvalidAmountException("amount " + value + " is too large");
        }
    }

    public boolean isPositive() {
        return minorUnits > 0;
    }

    public Money plus(Money other) {
        requireSameCurrency(other);
        return new Money(Math.addExact(minorUnits, other.minorUnits), currency);
    }

    private void requireSameCurrency(Money other) {
        if (!currency.equals(other.currency)) {
            throw new IllegalArgumentException("cannot add " + other.currency + " to " + currency);
        }
    }

    /** The amount in major units with exactly the currency's minor digits: {@code 125.50}, {@code 12.345}, {@code 500}. */
    public String toPlainString() {
        int exponent = currency.exponent();
        long abs = Math.abs(minorUnits);
        String sign = minorUnits < 0 ? "-" : "";
        if (exponent == 0) {
            return sign + abs;
        }
        long factor = currency.minorPerMajor();
        String fraction = Long.toString(abs % factor);
        return sign + (abs / factor) + "." + "0".repeat(exponent - fraction.length()) + fraction;
    }

    @Override
    public String toString() {
        return toPlainString() + " " + currency.code();
    }
}
