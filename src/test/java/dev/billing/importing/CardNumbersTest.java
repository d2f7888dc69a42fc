package dev.billing.importing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CardNumbersTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "card 4111111111111111 here|card 411111******1111 here",
        "4005550000000001|400555******0001",
        "4111 1111 1111 1111|411111******1111",
        "4111-1111-1111-1111|411111******1111",
        "345678901234564|345678*****4564",
        "5297412542005689,next|529741******5689,next",
        "4111111111111112|4111111111111112",
        "ORD-00001,125.50|ORD-00001,125.50",
        "411111******1111|411111******1111"
    })
    void masksLuhnValidNumbersOnly(String text, String masked) {
        assertThat(CardNumbers.mask(text)).isEqualTo(masked);
    }

    @Test
    void tellsAFullNumberFromAMask() {
        assertThat(CardNumbers.looksLikeFullNumber("4111111111111111")).isTrue();
        assertThat(CardNumbers.looksLikeFullNumber("4111 1111 1111 1111")).isTrue();
        assertThat(CardNumbers.looksLikeFullNumber("411111******1111")).isFalse();
        assertThat(CardNumbers.looksLikeFullNumber("12345")).isFalse();
    }
}
