package dev.billing.importing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.importing.ImportService.ImportResult;
import dev.billing.support.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Input that must never get through or break a night: a full card number in any field and with any common
 * separators, a NUL byte, an identifier a spreadsheet would run as a formula, a date PostgreSQL cannot store, a line
 * that is not UTF-8, a key twice in one file. Each is a rejected row with its line number; the other rows load.
 */
@EngineTest
class ImportHardeningFunctionalTests {

    private static final List<String> PANS = List.of("4111111111111111", "5297412542005689", "4005550000000001");

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

    @Test
    void aCardNumberInAnyFieldIsRefusedAndNeverStoredOrEchoed() throws Exception {
        Path tokens = write("tokens.csv", ImportJobFunctionalTests.TOKENS_HEADER,
                "tok-1,C1,a@example.com,400555******0001,05/29,2026-01-01T00:00:00Z,VERIFIED",      // 2
                "4111111111111111,C2,a@example.com,400555******0001,05/29,2026-01-01T00:00:00Z,NEW", // 3 token_name
                "tok-3,4111.1111.1111.1111,a@example.com,400555******0001,05/29,2026-01-01T00:00:00Z,NEW", // 4 customer_id
                "tok-4,C4,4005550000000001@example.com,400555******0001,05/29,2026-01-01T00:00:00Z,NEW", // 5 e-mail
                "tok-5,C5,a@example.com,4111 1111  1111 1111,05/29,2026-01-01T00:00:00Z,NEW");      // 6 card_mask, two spaces
        Path orders = write("orders.csv", ImportJobFunctionalTests.ORDERS_HEADER,
                "O-1,C1,tok-1,10.00,AED,SHIPPED,",                       // 2
                "5297412542005689,C1,tok-1,10.00,AED,SHIPPED,",          // 3 order_id
                "O-3,5297-4125-4200-5689,tok-1,10.00,AED,SHIPPED,",      // 4 customer_id, dashes
                "O-4,C1\u0000x,tok-1,10.00,AED,SHIPPED,");               // 5 NUL byte

        ImportResult result = importService.importFiles(tokens, orders);

        assertThat(result.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(jdbc.queryForList("SELECT token_name FROM tokens", String.class)).containsExactly("tok-1");
        assertThat(jdbc.queryForList("SELECT order_id FROM orders", String.class)).containsExactly("O-1");
        assertThat(jdbc.queryForList("SELECT file_kind || ':' || line_number || ' ' || reason FROM import_rejects ORDER BY file_kind DESC, line_number",
                String.class)).satisfiesExactly(
                        r -> assertThat(r).startsWith("tokens:3 token_name holds what looks like a full card number (411111******1111)"),
                        r -> assertThat(r).startsWith("tokens:4 customer_id holds what looks like a full card number (411111******1111)"),
                        r -> assertThat(r).startsWith("tokens:5 customer_email holds what looks like a full card number"),
                        r -> assertThat(r).startsWith("tokens:6 card_mask holds a full card number"),
                        r -> assertThat(r).startsWith("orders:3 order_id holds what looks like a full card number (529741******5689)"),
                        r -> assertThat(r).startsWith("orders:4 customer_id holds what looks like a full card number (529741******5689)"),
                        r -> assertThat(r).startsWith("orders:5 the line holds a NUL byte"));
        assertThat(jdbc.queryForObject("SELECT row_text FROM import_rejects WHERE reason LIKE '%NUL%'", String.class))
                .isEqualTo("O-4,C1\\0x,tok-1,10.00,AED,SHIPPED,");

        StringBuilder everything = new StringBuilder();
        for (String table : List.of("tokens", "orders", "import_rejects", "payment_attempts")) {
            jdbc.queryForList("SELECT t::text FROM " + table + " t", String.class).forEach(everything::append);
        }
        for (Path rejects : result.rejectsFiles().values()) {
            everything.append(Files.readString(rejects));
        }
        String digitsOnly = everything.toString().replaceAll("[ \\t.\\-/_]", "");
        for (String pan : PANS) {
            assertThat(digitsOnly).doesNotContain(pan);
        }
    }

    @Test
    void aHeaderMadeOfACardNumberIsRefusedMasked() throws Exception {
        Path orders = write("orders.csv", "4111111111111111,customer_id,token_name,amount,currency,status,charge_on",
                "O-1,C1,tok-1,10.00,AED,SHIPPED,");

        assertThatThrownBy(() -> importService.importFiles(null, orders)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("411111******1111").hasMessageNotContaining("4111111111111111");
    }

    @Test
    void identifiersThatASpreadsheetWouldRunAreRefusedAndEchoedRowsAreNeutralised() throws Exception {
        Path tokens = write("tokens.csv", ImportJobFunctionalTests.TOKENS_HEADER,
                "tok-1,C1,a@example.com,400555******0001,05/29,2026-01-01T00:00:00Z,VERIFIED",
                "-tok,C2,a@example.com,400555******0001,05/29,2026-01-01T00:00:00Z,NEW",           // 3
                "@tok,C3,a@example.com,400555******0001,05/29,2026-01-01T00:00:00Z,NEW",           // 4
                "tok-5,=HYPERLINK(1),a@example.com,400555******0001,05/29,2026-01-01T00:00:00Z,NEW", // 5
                "tok-6,C6,+a@example.com,400555******0001,05/29,2026-01-01T00:00:00Z,NEW");        // 6
        Path orders = write("orders.csv", ImportJobFunctionalTests.ORDERS_HEADER,
                "-1,C1,tok-1,10.00,AED,SHIPPED,",                        // 2
                "O-2,+SUM(A1),tok-1,10.00,AED,SHIPPED,");                // 3

        ImportResult result = importService.importFiles(tokens, orders);

        assertThat(jdbc.queryForList("SELECT reason FROM import_rejects ORDER BY file_kind DESC, line_number", String.class))
                .satisfiesExactly(
                        r -> assertThat(r).isEqualTo("token_name '-tok' may not begin with '-' (a spreadsheet would read it as a formula)"),
                        r -> assertThat(r).isEqualTo("token_name '@tok' may not begin with '@' (a spreadsheet would read it as a formula)"),
                        r -> assertThat(r).startsWith("customer_id '=HYPERLINK(1)' may not begin with '='"),
                        r -> assertThat(r).startsWith("customer_email '+a@example.com' may not begin with '+'"),
                        r -> assertThat(r).startsWith("order_id '-1' may not begin with '-'"),
                        r -> assertThat(r).startsWith("customer_id '+SUM(A1)' may not begin with '+'"));
        List<String> rejects = Files.readAllLines(result.rejectsFiles().get("tokens.csv"));
        assertThat(rejects).anySatisfy(line -> assertThat(line).startsWith("3,").endsWith(",'-tok,C2,a@example.com,400555******0001,05/29,2026-01-01T00:00:00Z,NEW\""
                .replace(",'-tok", ",\"'-tok")));
        assertThat(rejects).anySatisfy(line -> assertThat(line).contains("\"'@tok,C3"));
    }

    @Test
    void datesBeyondRangeAndBytesThatAreNotUtf8AreRejectedRowsAndTheRestLoads() throws Exception {
        Path tokens = write("tokens.csv", ImportJobFunctionalTests.TOKENS_HEADER,
                "tok-1,C1,a@example.com,400555******0001,05/29,2026-01-01T00:00:00Z,VERIFIED",
                "tok-2,C2,a@example.com,400555******0001,05/29,+999999999-12-31T00:00:00Z,NEW");  // 3
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes((ImportJobFunctionalTests.ORDERS_HEADER + "\n").getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes("O-1,C1,tok-1,10.00,AED,SHIPPED,\n".getBytes(StandardCharsets.UTF_8));                 // 2
        bytes.writeBytes("O-2,C1,tok-1,10.00,AED,DEFERRED,+999999999-12-31\n".getBytes(StandardCharsets.UTF_8)); // 3
        bytes.writeBytes("O-3,C1,tok-1,10.00,AED,DEFERRED,1999-12-31\n".getBytes(StandardCharsets.UTF_8));      // 4
        bytes.writeBytes("O-4,C\u00e9".getBytes(StandardCharsets.ISO_8859_1));                                  // 5: Latin-1
        bytes.writeBytes(",tok-1,10.00,AED,SHIPPED,\n".getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes("O-5,C1,tok-1,10.00,AED,DEFERRED,2026-12-01\n".getBytes(StandardCharsets.UTF_8));      // 6
        bytes.writeBytes("O-1,C1,tok-1,99.00,AED,SHIPPED,\n".getBytes(StandardCharsets.UTF_8));                 // 7 again
        Path orders = Files.write(dir.resolve("orders.csv"), bytes.toByteArray());

        ImportResult result = importService.importFiles(tokens, orders);

        assertThat(result.execution().getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(jdbc.queryForList("SELECT order_id || ' ' || amount_minor FROM orders ORDER BY order_id", String.class))
                .containsExactly("O-1 1000", "O-5 1000");
        assertThat(jdbc.queryForList("SELECT file_kind || ':' || line_number || ' ' || reason FROM import_rejects ORDER BY file_kind DESC, line_number",
                String.class)).containsExactly(
                        "tokens:3 created_at +1000000000-01-01 is outside 2000-01-01 to 2100-12-31".replace("+1000000000-01-01",
                                java.time.OffsetDateTime.parse("+999999999-12-31T00:00:00Z").toInstant()
                                        .atZone(java.time.ZoneOffset.UTC).toLocalDate().toString()),
                        "orders:3 charge_on +999999999-12-31 is outside 2000-01-01 to 2100-12-31",
                        "orders:4 charge_on 1999-12-31 is outside 2000-01-01 to 2100-12-31",
                        "orders:5 the line is not UTF-8 text (a byte at column 6); save the file as UTF-8",
                        "orders:7 order_id O-1 appears more than once in this file; line 2 has it and is the one loaded");
    }

    private Path write(String name, String... lines) throws Exception {
        return ImportJobFunctionalTests.write(dir, name, lines);
    }
}
