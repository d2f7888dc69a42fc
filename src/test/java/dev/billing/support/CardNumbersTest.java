package dev.billing.support;

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
        "411111******1111|411111******1111",
        "4111.1111.1111.1111|411111******1111",
        "4111 1111  1111 1111|411111******1111",
        "4111/1111/1111/1111 x|411111******1111 x",
        "id_4111_1111_1111_1111|id_411111******1111",
        "99 4111111111111111 22|99 411111******1111 22",
        "194111111111111111|19411111******1111",
        "2026-01-31T09:15:00Z|2026-01-31T09:15:00Z",
        "9111111111111111|9111111111111111"
    })
    void masksLuhnValidNumbersOnly(String text, String masked) {
        assertThat(CardNumbers.mask(text)).isEqualTo(masked);
    }

    @Test
    void findsANumberInAnyFieldOfALine() {
        assertThat(CardNumbers.contains("O-1,4111.1111.1111.1111,tok,1.00,AED,SHIPPED,")).isTrue();
        assertThat(CardNumbers.contains("O-1,C-1,tok,1.00,AED,SHIPPED,2026-11-28")).isFalse();
        assertThat(CardNumbers.contains(null)).isFalse();
    }

    @Test
    void tellsAFullNumberFromAMask() {
        assertThat(CardNumbers.looksLikeFullNumber("4111111111111111")).isTrue();
        assertThat(CardNumbers.looksLikeFullNumber("4111 1111 1111 1111")).isTrue();
        assertThat(CardNumbers.looksLikeFullNumber("411111******1111")).isFalse();
        assertThat(CardNumbers.looksLikeFullNumber("12345")).isFalse();
    }
}
