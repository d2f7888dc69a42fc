package dev.billing.importing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The identifier checks written as loops accept exactly what the contract's regular expressions accept. */
class FieldPatternsTest {

    private static final Pattern ORDER_ID = Pattern.compile("[A-Za-z0-9._-]{1,30}");
    private static final Pattern TOKEN_NAME = Pattern.compile("[A-Za-z0-9.@_-]{1,100}");
    private static final Pattern CUSTOMER_ID = Pattern.compile("\\S(?:.{0,62}\\S)?");

    @Test
    void loopsAgreeWithTheRegularExpressions() {
        String alphabet = "aZ09.-_@ \t\n\r\u000B\f\u0085\u2028\u2029é€=+,/";
        Random random = new Random(7);
        for (int n = 0; n < 200_000; n++) {
            int length = random.nextInt(4) == 0 ? random.nextInt(110) : random.nextInt(8);
            StringBuilder value = new StringBuilder();
            for (int i = 0; i < length; i++) {
                value.append(random.nextInt(3) == 0 ? alphabet.charAt(random.nextInt(alphabet.length())) : 'x');
            }
            String v = value.toString();
            assertThat(OrderRowValidator.isOrderId(v)).as("order_id [%s]", v).isEqualTo(ORDER_ID.matcher(v).matches());
            assertThat(FieldRules.isTokenName(v)).as("token_name [%s]", v).isEqualTo(TOKEN_NAME.matcher(v).matches());
            assertThat(FieldRules.isCustomerId(v)).as("customer_id [%s]", v).isEqualTo(CUSTOMER_ID.matcher(v).matches());
        }
    }

    @Test
    void boundaries() {
        assertThat(OrderRowValidator.isOrderId("x".repeat(30))).isTrue();
        assertThat(OrderRowValidator.isOrderId("x".repeat(31))).isFalse();
        assertThat(OrderRowValidator.isOrderId("")).isFalse();
        assertThat(FieldRules.isTokenName("a@b".repeat(33) + "x")).isTrue();
        assertThat(FieldRules.isTokenName("y".repeat(101))).isFalse();
        assertThat(FieldRules.isCustomerId("c".repeat(64))).isTrue();
        assertThat(FieldRules.isCustomerId("c".repeat(65))).isFalse();
        assertThat(FieldRules.isCustomerId("a b")).isTrue();
        assertThat(FieldRules.isCustomerId(" a")).isFalse();
    }
}
