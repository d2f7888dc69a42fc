package dev.billing.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MoneyTest {

    @ParameterizedTest(name = "{0} has {1} minor digits")
    @CsvSource({"AED,2", "SAR,2", "KWD,3", "BHD,3", "OMR,3", "JOD,3", "JPY,0", "USD,2", "EUR,2", "EGP,2", "QAR,2"})
    void exponentTable(String code, int exponent) {
        assertThat(CurrencyUnit.of(code)).contains(new CurrencyUnit(code, exponent));
    }

    @ParameterizedTest(name = "{0} is refused")
    @CsvSource({"XYZ", "XAU", "XXX", "XTS", "aed", "AE", "AEDD", "''"})
    void notChargeableCurrencies(String code) {
        assertThat(CurrencyUnit.of(code)).isEmpty();
    }

    @ParameterizedTest(name = "{0} {1} = {2} minor units")
    @CsvSource({
        "125.50,AED,12550", "125.5,AED,12550", "125,AED,12500", "0.01,AED,1",
        "12.345,KWD,12345", "12.3,KWD,12300", "0.001,KWD,1",
        "500,JPY,500", "1,JPY,1",
        "92233720368547758.07,USD,9223372036854775807"
    })
    void parsesMajorUnitsExactly(String text, String currency, long minor) {
        Money money = Money.parse(text, CurrencyUnit.require(currency));
        assertThat(money.minorUnits()).isEqualTo(minor);
        assertThat(money.currency().code()).isEqualTo(currency);
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "12.345|AED|has 3 decimals but AED has 2",
        "1.5|JPY|has 1 decimals but JPY has 0",
        "1.2345|KWD|has 4 decimals but KWD has 3",
        "-5.00|AED|is negative",
        "ten|AED|is not a number",
        "1,000.00|AED|is not a number",
        "1e3|AED|is not a number",
        "''|AED|amount is empty",
        "92233720368547758.08|USD|too large"
    })
    void refusesWithAReason(String text, String currency, String reason) {
        assertThatThrownBy(() -> Money.parse(text, CurrencyUnit.require(currency)))
                .isInstanceOf(InvalidAmountException.class)
                .hasMessageContaining(reason);
    }

    @ParameterizedTest(name = "{0} minor {1} prints as {2}")
    @CsvSource({"12550,AED,125.50", "1,AED,0.01", "12345,KWD,12.345", "5,KWD,0.005", "500,JPY,500", "0,AED,0.00", "-150,AED,-1.50"})
    void printsWithTheCurrencysDigits(long minor, String currency, String text) {
        assertThat(Money.ofMinor(minor, CurrencyUnit.require(currency)).toPlainString()).isEqualTo(text);
    }

    @Test
    void addsOnlyTheSameCurrency() {
        Money a = Money.parse("1.50", CurrencyUnit.require("AED"));
        assertThat(a.plus(a).minorUnits()).isEqualTo(300);
        assertThatThrownBy(() -> a.plus(Money.parse("1", CurrencyUnit.require("JPY"))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
