package dev.billing.importing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.importing.ImportService.ImportResult;
import dev.billing.support.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

@EngineTest
class ImportJobFunctionalTests {

    static final String TOKENS_HEADER = "token_name,customer_id,customer_email,card_mask,card_expiry,created_at,status";
    static final String ORDERS_HEADER = "order_id,customer_id,token_name,amount,currency,status,charge_on";

    @Autowired
    ImportService importService;
    @Autowired
    JdbcTemplate jdbc;
    @TempDir
    Path dir;

    @BeforeEach
    void reset() {
        Fixtures.resetEngineTables(jdbc);
    }

    static Path write(Path dir, String name, String... lines) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        return file;
    }

    private Path tokens(String... rows) throws IOException {
        return write(dir, "tokens.csv", concat(TOKENS_HEADER, rows));
    }

    private Path orders(String name, String... rows) throws IOException {
        return write(dir, name, concat(ORDERS_HEADER, rows));
    }

    private static String[] concat(String header, String... rows) {
        String[] all = new String[rows.length + 1];
        all[0] = header;
        System.arraycopy(rows, 0, all, 1, rows.length);
        return all;
    }

    @Test
    void loadsTheSampleData() {
        ImportResult result = importService.importFiles(Path.of("sample-data/tokens.csv"), Path.of("sample-data/orders.csv"));

        assertThat(result.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(result.rejected()).isZero();
        assertThat(result.perFile().get("orders.csv").inserted()).isEqualTo(360);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM orders", Long.class)).isEqualTo(360);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM tokens", Long.class)).isEqualTo(136);
        assertThat(jdbc.queryForList("SELECT DISTINCT currency FROM orders ORDER BY 1", String.class))
                .containsExactly("AED", "JPY", "KWD", "SAR");
        assertThat(jdbc.queryForObject("SELECT amount_minor FROM orders WHERE order_id = 'ORD-00001'", Long.class))
                .as("75.423 KWD in fils").isEqualTo(75423);
    }

    @Test
    void importingTheSameFilesAgainChangesNothing() {
        Path t = Path.of("sample-data/tokens.csv");
        Path o = Path.of("sample-data/orders.csv");
        importService.importFiles(t, o);
        String before = snapshot();

        ImportResult again = importService.importFiles(t, o);

        assertThat(again.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(again.perFile().get("orders.csv")).isEqualTo(new ImportCounters(0, 0, 360, 0));
        assertThat(again.perFile().get("tokens.csv")).isEqualTo(new ImportCounters(0, 0, 136, 0));
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void aChangedRowUpdatesAnUnpaidOrder() throws IOException {
        Path t = tokens("tok-1,C1,a@example.com,400555******0001,05/29,2026-01-01T00:00:00Z,NEW",
                "tok-2,C1,a@example.com,512345******2346,05/29,2026-01-01T00:00:00Z,VERIFIED");
        importService.importFiles(t, orders("o1.csv", "O-1,C1,tok-1,10.00,AED,PENDING,", "O-2,C1,tok-1,20.00,AED,SHIPPED,"));

        ImportResult result = importService.importFiles(null, orders("o2.csv",
                "O-1,C1,tok-2,12.50,SAR,DEFERRED,2026-12-24", "O-2,C1,tok-1,20.00,AED,SHIPPED,"));

        assertThat(result.perFile().get("o2.csv")).isEqualTo(new ImportCounters(0, 1, 1, 0));
        Map<String, Object> o1 = jdbc.queryForMap("SELECT token_name, amount_minor, currency, status, charge_on::text AS charge_on FROM orders WHERE order_id = 'O-1'");
        assertThat(o1).containsEntry("token_name", "tok-2").containsEntry("amount_minor", 1250L)
                .containsEntry("currency", "SAR").containsEntry("status", "DEFERRED").containsEntry("charge_on", "2026-12-24");
    }

    @Test
    void aTokenIsPromotedToVerifiedButNeverReset() throws IOException {
        importService.importFiles(tokens("tok-1,C1,a@example.com,400555******0001,05/29,2026-01-01T00:00:00Z,NEW",
                "tok-2,C1,a@example.com,400555******0001,05/29,2026-01-01T00:00:00Z,NEW"), null);
        jdbc.update("UPDATE tokens SET status = 'INVALID' WHERE token_name = 'tok-2'");

        ImportResult result = importService.importFiles(tokens(
                "tok-1,C1,a@example.com,400555******0001,05/29,2026-01-01T00:00:00Z,VERIFIED",
                "tok-2,C1,a@example.com,400555******0001,05/29,2026-01-01T00:00:00Z,NEW"), null);

        assertThat(result.perFile().get("tokens.csv")).isEqualTo(new ImportCounters(0, 1, 1, 0));
        assertThat(jdbc.queryForList("SELECT status FROM tokens ORDER BY token_name", String.class))
                .containsExactly("VERIFIED", "INVALID");
    }

    @Test
    void everyBadRowIsRejectedWithItsLineAndReasonWhileTheGoodRowsLoad() throws IOException {
        importService.importFiles(tokens("tok-1,C1,a@example.com,400555******0001,05/29,2026-01-01T00:00:00Z,VERIFIED"),
                orders("setup.csv", "PAID-1,C1,tok-1,10.00,AED,SHIPPED,", "FLIGHT-1,C1,tok-1,10.00,AED,SHIPPED,"));
        jdbc.update("UPDATE orders SET status = 'PAID' WHERE order_id = 'PAID-1'");
        jdbc.update("""
                INSERT INTO payment_attempts (attempt_reference, merchant_reference, kind, order_id, token_name, attempt,
                                              amount_minor, currency, business_date, state)
                VALUES ('CH-FLIGHT-1-1', 'CH-FLIGHT-1-1', 'CHARGE', 'FLIGHT-1', 'tok-1', 1, 1000, 'AED', DATE '2026-11-27', 'UNKNOWN')""");

        Path file = orders("nightly.csv",
                "GOOD-1,C1,tok-1,125.50,AED,SHIPPED,",                 // line 2
                "BAD-1,C1,tok-1,125.50,AED,SHIPPED",                    // 3 wrong column count
                "BAD-2,C1,tok-1,\"125.50,AED,SHIPPED,",                 // 4 broken quoting
                "BAD-3,C1,tok-1,-1.00,AED,SHIPPED,",                    // 5 negative
                "BAD-4,C1,tok-1,abc,AED,SHIPPED,",                      // 6 not a number
                "BAD-5,C1,tok-1,1.001,AED,SHIPPED,",                    // 7 too many decimals
                "BAD-6,C1,tok-1,1.00,ABC,SHIPPED,",                     // 8 unknown currency
                "BAD-7,C1,tok-1,1.00,AED,DEFERRED,",                    // 9 DEFERRED without charge_on
                "BAD-8,C1,tok-nope,1.00,AED,SHIPPED,",                  // 10 unknown token
                "PAID-1,C1,tok-1,11.00,AED,SHIPPED,",                   // 11 changed amount on a paid order
                "FLIGHT-1,C1,tok-1,11.00,AED,SHIPPED,",                 // 12 changed amount with a charge in flight
                "GOOD-2,C1,tok-1,500,JPY,DEFERRED,2026-12-01",          // 13
                "PAID-1,C1,tok-1,10.00,AED,SHIPPED,");                  // 14 same charge: unchanged

        ImportResult result = importService.importFiles(null, file);

        assertThat(result.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(result.perFile().get("nightly.csv")).isEqualTo(new ImportCounters(2, 0, 1, 10));
        assertThat(jdbc.queryForList("SELECT order_id FROM orders WHERE order_id LIKE 'GOOD-%' ORDER BY 1", String.class))
                .containsExactly("GOOD-1", "GOOD-2");
        assertThat(jdbc.queryForObject("SELECT amount_minor FROM orders WHERE order_id = 'PAID-1'", Long.class)).isEqualTo(1000);
        assertThat(jdbc.queryForObject("SELECT amount_minor FROM orders WHERE order_id = 'FLIGHT-1'", Long.class)).isEqualTo(1000);
        assertThat(jdbc.queryForObject("SELECT status FROM orders WHERE order_id = 'PAID-1'", String.class)).isEqualTo("PAID");

        Path rejects = result.rejectsFiles().get("nightly.csv");
        List<String> lines = Files.readAllLines(rejects);
        assertThat(lines.get(0)).isEqualTo("line_number,reason,row");
        assertThat(lines).hasSize(11);
        assertThat(lines.get(1)).startsWith("3,").contains("wrong column count");
        assertThat(lines.get(2)).startsWith("4,").contains("broken quoting");
        assertThat(lines.get(3)).startsWith("5,").contains("negative");
        assertThat(lines.get(4)).startsWith("6,").contains("not a number");
        assertThat(lines.get(5)).startsWith("7,").contains("has 3 decimals but AED has 2");
        assertThat(lines.get(6)).startsWith("8,").contains("'ABC' is not an ISO 4217 currency code");
        assertThat(lines.get(7)).startsWith("9,").contains("DEFERRED needs a charge_on date");
        assertThat(lines.get(8)).startsWith("10,").contains("'tok-nope' is not a known token");
        assertThat(lines.get(9)).startsWith("11,").contains("already charged");
        assertThat(lines.get(10)).startsWith("12,").contains("charge in flight");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM import_rejects", Long.class)).isEqualTo(10);
    }

    @Test
    void aFailedOrderOpensAgainOnlyWhenWhatIsChargedChanges() throws IOException {
        importService.importFiles(tokens("tok-1,C1,a@example.com,400555******0001,05/29,2026-01-01T00:00:00Z,VERIFIED",
                "tok-2,C1,a@example.com,400555******0001,05/29,2026-01-01T00:00:00Z,VERIFIED"),
                orders("a.csv", "F-1,C1,tok-1,10.00,AED,SHIPPED,", "F-2,C1,tok-1,10.00,AED,SHIPPED,"));
        jdbc.update("UPDATE orders SET status = 'PAYMENT_FAILED', attempt_count = 4, failure_reason = 'declined'");

        ImportResult result = importService.importFiles(null, orders("b.csv",
                "F-1,C1,tok-1,10.00,AED,SHIPPED,", "F-2,C1,tok-2,10.00,AED,SHIPPED,"));

        assertThat(result.perFile().get("b.csv")).isEqualTo(new ImportCounters(0, 1, 1, 0));
        assertThat(jdbc.queryForList("SELECT status || '/' || attempt_count FROM orders ORDER BY order_id", String.class))
                .containsExactly("PAYMENT_FAILED/4", "SHIPPED/0");
    }

    @Test
    void aMissingFileOrAWrongHeaderIsAUsageError() throws IOException {
        assertThatThrownBy(() -> importService.importFiles(null, dir.resolve("nope.csv")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("no such file");
        Path wrong = write(dir, "wrong.csv", "id,amount", "1,2");
        assertThatThrownBy(() -> importService.importFiles(null, wrong))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("header");
        assertThatThrownBy(() -> importService.importFiles(null, null)).isInstanceOf(InvalidInputException.class);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM batch_job_execution", Long.class)).isZero();
    }

    @Test
    void tokenColumnsAreFoundByNameTheAgreementIsCheckedAndAnOldFileKeepsIt() throws IOException {
        Path reordered = write(dir, "tokens-new.csv", "agreement_id,token_name,status,customer_id,customer_email,card_mask,card_expiry,created_at",
                "AGR-1,tok-1,VERIFIED,C1,a@example.com,400555******0001,05/29,2026-01-01T00:00:00Z",
                "bad agreement!,tok-2,NEW,C2,b@example.com,400555******0001,05/29,2026-01-01T00:00:00Z",
                ",tok-3,NEW,C3,c@example.com,400555******0001,05/29,2026-01-01T00:00:00Z");

        ImportResult result = importService.importFiles(reordered, null);

        assertThat(result.perFile().get("tokens-new.csv")).isEqualTo(new ImportCounters(2, 0, 0, 1));
        assertThat(jdbc.queryForList("SELECT token_name || ' ' || status || ' ' || coalesce(agreement_id, '-') FROM tokens ORDER BY 1",
                String.class)).containsExactly("tok-1 VERIFIED AGR-1", "tok-3 NEW -");
        assertThat(jdbc.queryForObject("SELECT reason FROM import_rejects", String.class))
                .isEqualTo("agreement_id 'bad agreement!' must be 1 to 100 letters, digits, '-', '_' or '.'");

        // a file of before, without the column, still loads and keeps the stored agreement
        importService.importFiles(tokens("tok-1,C1,new@example.com,400555******0001,05/29,2026-01-01T00:00:00Z,VERIFIED"), null);
        assertThat(jdbc.queryForObject("SELECT customer_email || ' ' || agreement_id FROM tokens WHERE token_name = 'tok-1'", String.class))
                .isEqualTo("new@example.com AGR-1");

        Path unknownColumn = write(dir, "tokens-typo.csv", "token_name,customer_id,customer_email,card_mask,card_expiry,created_at,agrement_id",
                "tok-9,C9,a@example.com,400555******0001,05/29,2026-01-01T00:00:00Z,AGR-9");
        assertThatThrownBy(() -> importService.importFiles(unknownColumn, null)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("header column 7 'agrement_id' is not a column of tokens.csv");
    }

    private String snapshot() {
        return jdbc.queryForObject("""
                SELECT (SELECT md5(string_agg(t::text, '|' ORDER BY token_name)) FROM tokens t) || '/' ||
                       (SELECT md5(string_agg(o::text, '|' ORDER BY order_id)) FROM orders o)""", String.class);
    }
}
