package dev.billing.importing;

import static org.assertj.core.api.Assertions.assertThat;

import com.opencsv.CSVParserBuilder;
import com.opencsv.ICSVParser;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The per-row rules of both input files, without a database. */
class RowValidatorTest {

    private static final ICSVParser PARSER = new CSVParserBuilder().withEscapeChar(ICSVParser.NULL_CHARACTER).build();

    private static CsvLine line(String text) {
        try {
            return new CsvLine(7, text, PARSER.parseLine(text), null);
        } catch (IOException e) {
            return new CsvLine(7, text, new String[0], "broken quoting: a quoted field is not closed on this line");
        }
    }

    @Test
    void acceptsTheLargestAmountApsTakes() {
        ImportRow<OrderRecord> row = new OrderRowValidator().process(line("ORD-1,CUST-1,tok-1,99999999.99,AED,SHIPPED,"));
        assertThat(row.isRejected()).as(row.rejectReason()).isFalse();
        assertThat(row.value().amount().minorUnits()).isEqualTo(9_999_999_999L);
    }

    @Test
    void acceptsAGoodOrder() {
        ImportRow<OrderRecord> row = new OrderRowValidator().process(line("ORD-1,CUST-1,tok-1,125.50,AED,DEFERRED,2026-12-01"));
        assertThat(row.isRejected()).isFalse();
        assertThat(row.value().amount().minorUnits()).isEqualTo(12550);
        assertThat(row.value().amount().currency().code()).isEqualTo("AED");
        assertThat(row.value().status()).isEqualTo("DEFERRED");
        assertThat(row.value().chargeOn()).isEqualTo(LocalDate.of(2026, 12, 1));
        assertThat(row.lineNumber()).isEqualTo(7);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
        "ORD-1,CUST-1,tok-1,125.50,AED,SHIPPED|wrong column count: expected 7 fields, found 6",
        "ORD-1,CUST-1,tok-1,125.50,AED,SHIPPED,,extra|wrong column count: expected 7 fields, found 8",
        "ORD-1,CUST-1,tok-1,\"125.50,AED,SHIPPED,|broken quoting",
        "ORD-1,CUST-1,tok-1,abc,AED,SHIPPED,|is not a number",
        "ORD-1,CUST-1,tok-1,-3.00,AED,SHIPPED,|is negative",
        "ORD-1,CUST-1,tok-1,0.00,AED,SHIPPED,|must be greater than zero",
        "ORD-1,CUST-1,tok-1,12.345,AED,SHIPPED,|has 3 decimals but AED has 2",
        "ORD-1,CUST-1,tok-1,12.3456,KWD,SHIPPED,|has 4 decimals but KWD has 3",
        "ORD-1,CUST-1,tok-1,500.5,JPY,SHIPPED,|has 1 decimals but JPY has 0",
        "ORD-1,CUST-1,tok-1,10.00,XYZ,SHIPPED,|'XYZ' is not an ISO 4217 currency code",
        "ORD-1,CUST-1,tok-1,10.00,AED,DEFERRED,|status DEFERRED needs a charge_on date",
        "ORD-1,CUST-1,tok-1,10.00,AED,DEFERRED,31/12/2026|is not a date",
        "ORD-1,CUST-1,tok-1,10.00,AED,SOMETIME,|must be SHIPPED, DEFERRED, PENDING or CANCELLED",
        "ORD-1,CUST-1,tok-1,100000000.00,AED,SHIPPED,|amount 100000000.00 AED is more than APS accepts (at most 99999999.99: 10 digits in minor units)",
        "ORD-1,CUST-1,tok-1,10000000000,JPY,SHIPPED,|amount 10000000000 JPY is more than APS accepts (at most 9999999999",
        "ORD-1,CUST-1,tok-1,10.00,AED,DEFERRED,2101-01-01|charge_on 2101-01-01 is outside 2000-01-01 to 2100-12-31",
        "ORD 1,CUST-1,tok-1,10.00,AED,SHIPPED,|order_id 'ORD 1' must be 1 to 30",
        ",CUST-1,tok-1,10.00,AED,SHIPPED,|order_id is empty",
        "ORD-1,,tok-1,10.00,AED,SHIPPED,|customer_id is empty",
        "ORD-1,CUST-1,tok 1,10.00,AED,SHIPPED,|token_name 'tok 1' must be"
    })
    void rejectsABadOrderWithAReason(String text, String reason) {
        ImportRow<OrderRecord> row = new OrderRowValidator().process(line(text));
        assertThat(row.isRejected()).isTrue();
        assertThat(row.rejectReason()).contains(reason);
        assertThat(row.lineNumber()).isEqualTo(7);
    }

    @Test
    void acceptsAGoodTokenAndDefaultsToNew() {
        ImportRow<TokenRecord> row = new TokenRowValidator().process(
                line("tok-1,CUST-1,jane.doe+billing@example.com,400555******0001,05/29,2026-01-31T09:15:00+04:00"));
        assertThat(row.isRejected()).isFalse();
        assertThat(row.value().status()).isEqualTo("NEW");
        assertThat(row.value().createdAt()).isEqualTo(Instant.parse("2026-01-31T05:15:00Z"));
        ImportRow<TokenRecord> verified = new TokenRowValidator().process(
                line("tok-2,CUST-1,a@example.com,400555******0001,05/29,2026-01-31T09:15:00Z,VERIFIED"));
        assertThat(verified.value().status()).isEqualTo("VERIFIED");
        ImportRow<TokenRecord> deleted = new TokenRowValidator().process(
                line("tok-3,CUST-1,a@example.com,400555******0001,05/29,2026-01-31T09:15:00Z,deleted"));
        assertThat(deleted.value().status()).isEqualTo("DELETED");
        assertThat(row.value().language()).as("none given: the stored one is kept, a new token's is en").isNull();
        ImportRow<TokenRecord> arabic = new TokenRowValidator().process(
                line("tok-4,CUST-4,a@example.com,400555******0001,05/29,2026-01-31T09:15:00Z,NEW,AGR-4, AR "));
        assertThat(arabic.value().language()).isEqualTo("ar");
    }

    @ParameterizedTest(name = "stored {0} + file {1} -> {2}")
    @CsvSource({
        "NEW,VERIFIED,VERIFIED", "NEW,NEW,NEW", "VERIFYING,VERIFIED,VERIFYING", "VERIFIED,NEW,VERIFIED", "INVALID,VERIFIED,INVALID",
        "NEW,DELETED,DELETED", "VERIFIED,DELETED,DELETED", "INVALID,DELETED,DELETED", "DELETED,NEW,DELETED", "DELETED,VERIFIED,DELETED"
    })
    void aDeletedTokenStaysDeletedAndTheEngineKeepsItsOwnStatusOtherwise(String stored, String incoming, String expected) {
        assertThat(TokenImportWriter.statusAfter(stored, incoming)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
        "tok-1,CUST-1,a@example.com,400555******0001,05/29|wrong column count: expected 6 to 10 fields, found 5",
        "tok-1,CUST-1,a@example.com,400555******0001,05/29,2026-01-31T09:15:00Z,NEW,AGR-1,fr|language 'fr' must be en (English) or ar (Arabic)",
        "tok-1,CUST-1,a@example.com,400555******0001,13/29,2026-01-31T09:15:00Z|card_expiry '13/29' must be MM/YY",
        "tok-1,CUST-1,a@example.com,400555******0001,5/29,2026-01-31T09:15:00Z|card_expiry '5/29' must be MM/YY",
        "tok-1,CUST-1,a@example.com,4005*0001,05/29,2026-01-31T09:15:00Z|must be the first six and last four digits",
        "tok-1,CUST-1,not-an-email,400555******0001,05/29,2026-01-31T09:15:00Z|is not an e-mail address",
        "tok-1,CUST-1,a@example.com,400555******0001,05/29,yesterday|created_at 'yesterday' is not an ISO-8601 timestamp",
        "tok-1,CUST-1,a@example.com,400555******0001,05/29,2026-01-31T09:15:00Z,OK|status 'OK' must be NEW, VERIFIED or DELETED"
    })
    void rejectsABadTokenWithAReason(String text, String reason) {
        ImportRow<TokenRecord> row = new TokenRowValidator().process(line(text));
        assertThat(row.isRejected()).isTrue();
        assertThat(row.rejectReason()).contains(reason);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {"4005550000000001", "4005 5500 0000 0001", "4005-5500-0000-0001"})
    void aFullCardNumberIsRejectedAndNeverEchoed(String pan) {
        ImportRow<TokenRecord> row = new TokenRowValidator().process(
                line("tok-1,CUST-1,a@example.com," + pan + ",05/29,2026-01-31T09:15:00Z"));
        assertThat(row.isRejected()).isTrue();
        assertThat(row.rejectReason()).contains("full card number").contains("400555******0001");
        String digitsOnly = pan.replaceAll("[^0-9]", "");
        assertThat(row.rejectReason().replaceAll("[^0-9]", "")).doesNotContain(digitsOnly);
        assertThat(row.maskedText()).doesNotContain(pan).contains("400555******0001");
    }
}
