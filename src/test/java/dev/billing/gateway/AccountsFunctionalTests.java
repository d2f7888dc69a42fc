package dev.billing.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.importing.ImportService;
import dev.billing.notifications.NotificationService;
import dev.billing.operations.JobRunner;
import dev.billing.reconciliation.ReconciliationReports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * A merchant with two APS accounts (issue 28): the default one (the single-account settings) charging AED and JPY, and
 * {@code ksa} charging SAR, each served by its own simulated gateway with its own credentials. A night over both charges
 * each order on its token's account exactly once, verifies each new token on its own account in a currency it takes,
 * and the reports say per account what each account's gateway holds.
 */
@EngineTest
@TestPropertySource(properties = {
    "billing.gateway.currencies=AED,JPY",
    "billing.gateway.accounts.ksa.currencies=SAR",
    "billing.gateway.accounts.ksa.max-concurrency=4",
    "billing.verification.currency=AED"
})
class AccountsFunctionalTests {

    static final LocalDate NIGHT = LocalDate.of(2026, 11, 27);
    static final String KSA_MERCHANT = GatewayProperties.SIMULATOR_MERCHANT + "KSA";

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobRunner runner;
    @Autowired
    ImportService imports;
    @Autowired
    ApsClient gateway;
    @Autowired
    GatewayAccounts accounts;
    @Autowired
    NotificationService notifications;
    @Autowired
    ReconciliationReports reports;
    @TempDir
    Path dir;

    private Fixtures fixtures;

    @BeforeEach
    void setUp() throws IOException {
        fixtures = new Fixtures(jdbc);
        gateway.forAccount("ksa"); // starts both simulated gateways, so that their records are there to reset
        fixtures.reset();
        // a report another test uploaded for the same date would win over the gateways' own: matching must fetch them
        Path kept = Path.of("target/test-data/settlements/matched");
        if (Files.isDirectory(kept)) {
            try (java.util.stream.Stream<Path> files = Files.list(kept)) {
                for (Path file : files.filter(f -> f.getFileName().toString().startsWith(NIGHT.toString())).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    @Test
    void aNightOverTwoAccountsChargesEachOrderOnItsAccountOnceAndTheReportsSplitByAccount() throws IOException {
        StringBuilder tokens = new StringBuilder("token_name,customer_id,customer_email,card_mask,card_expiry,created_at,status,agreement_id,account\n");
        StringBuilder orders = new StringBuilder("order_id,customer_id,token_name,amount,currency,status,charge_on\n");
        Map<String, String> accountOfOrder = new LinkedHashMap<>();
        for (int i = 1; i <= 6; i++) {
            // the default account's tokens: with no account, or naming it
            tokens.append("u-").append(i).append(",C-U").append(i).append(",u").append(i).append("@example.com,411111******1111,12/29,")
                    .append("2026-11-01T10:00:00Z,").append(i == 6 ? "NEW" : "VERIFIED").append(",AGR-u").append(i).append(',')
                    .append(i % 2 == 0 ? "default" : "").append('\n');
            tokens.append("k-").append(i).append(",C-K").append(i).append(",k").append(i).append("@example.com,411111******1111,12/29,")
                    .append("2026-11-01T10:00:00Z,").append(i == 6 ? "NEW" : "VERIFIED").append(",AGR-k").append(i).append(",ksa\n");
            for (int j = 1; j <= 5; j++) {
                String uae = "O-U-" + i + "-" + j;
                orders.append(uae).append(",C-U").append(i).append(",u-").append(i).append(',').append(j % 2 == 0 ? j * 100 + "" : j + ".25")
                        .append(',').append(j % 2 == 0 ? "JPY" : "AED").append(",SHIPPED,\n");
                accountOfOrder.put(uae, "default");
                String ksa = "O-K-" + i + "-" + j;
                orders.append(ksa).append(",C-K").append(i).append(",k-").append(i).append(',').append(j).append(".50,SAR,SHIPPED,\n");
                accountOfOrder.put(ksa, "ksa");
            }
        }
        tokens.append("x-1,C-X1,x1@example.com,411111******1111,12/29,2026-11-01T10:00:00Z,VERIFIED,AGR-x1,nowhere\n");
        orders.append("BAD-SAR,C-U1,u-1,10.00,SAR,SHIPPED,\n");
        orders.append("BAD-AED,C-K1,k-1,10.00,AED,SHIPPED,\n");
        Path tokensFile = Files.writeString(dir.resolve("tokens.csv"), tokens);
        Path ordersFile = Files.writeString(dir.resolve("orders.csv"), orders);

        ImportService.ImportResult loaded = imports.importFiles(tokensFile, ordersFile);

        assertThat(loaded.rejected()).isEqualTo(3);
        assertThat(jdbc.queryForList("SELECT reason FROM import_rejects ORDER BY file_name DESC, line_number", String.class)).containsExactly(
                "account 'nowhere' is not configured (known: default, ksa)",
                "currency SAR cannot be charged on token u-1: account 'default' does not charge SAR (it charges AED, JPY)",
                "currency AED cannot be charged on token k-1: account 'ksa' does not charge AED (it charges SAR)");
        assertThat(jdbc.queryForList("SELECT DISTINCT account FROM tokens WHERE token_name LIKE 'u-%'", String.class)).containsExactly("default");
        assertThat(jdbc.queryForList("SELECT DISTINCT account FROM tokens WHERE token_name LIKE 'k-%'", String.class)).containsExactly("ksa");
        // a token never moves to another account
        Path moved = Files.writeString(dir.resolve("moved.csv"), """
                token_name,customer_id,customer_email,card_mask,card_expiry,created_at,account
                u-1,C-U1,u1@example.com,411111******1111,12/29,2026-11-01T10:00:00Z,ksa
                """);
        assertThat(imports.importFiles(moved, null).rejected()).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT account FROM tokens WHERE token_name = 'u-1'", String.class)).isEqualTo("default");

        assertThat(runner.run("nightly", NIGHT).getStatus()).isEqualTo(BatchStatus.COMPLETED);

        // every order paid, on its account only, exactly once
        assertThat(jdbc.queryForList("SELECT DISTINCT status FROM orders WHERE order_id LIKE 'O-%'", String.class)).containsExactly("PAID");
        Map<String, Map<String, Integer>> successes = new HashMap<>();
        for (String merchant : List.of(GatewayProperties.SIMULATOR_MERCHANT, KSA_MERCHANT)) {
            for (var order : fixtures.simulatorOrders(merchant)) {
                if (order.merchantReference().startsWith("CH-") && order.capturedAmount() > 0) {
                    String orderId = order.merchantReference().substring(3, order.merchantReference().lastIndexOf('-'));
                    successes.computeIfAbsent(orderId, k -> new HashMap<>()).merge(merchant, 1, Integer::sum);
                }
            }
        }
        assertThat(successes).hasSize(accountOfOrder.size());
        accountOfOrder.forEach((order, account) -> assertThat(successes.get(order)).as(order)
                .isEqualTo(Map.of(account.equals("ksa") ? KSA_MERCHANT : GatewayProperties.SIMULATOR_MERCHANT, 1)));
        // every ledger row names its token's account, and each new token was verified on its own account, in its currency
        assertThat(jdbc.queryForList("""
                SELECT DISTINCT a.account || ' ' || t.account FROM payment_attempts a JOIN tokens t ON t.token_name = a.token_name""",
                String.class)).containsExactlyInAnyOrder("default default", "ksa ksa");
        assertThat(jdbc.queryForList("SELECT account || ' ' || currency FROM payment_attempts WHERE kind = 'VERIFICATION_CHARGE' ORDER BY account",
                String.class)).containsExactly("default AED", "ksa SAR");
        assertThat(fixtures.simulatorOrders(KSA_MERCHANT)).allSatisfy(o -> assertThat(o.currency()).isEqualTo("SAR"));
        assertThat(fixtures.simulatorOrders(GatewayProperties.SIMULATOR_MERCHANT)).allSatisfy(o -> assertThat(o.currency()).isIn("AED", "JPY"));

        // the reports: per account and currency, what that account's gateway holds
        Path day = reports.directory(NIGHT);
        List<String[]> transactions = csv(day.resolve("transactions-" + NIGHT + ".csv"));
        assertThat(transactions.get(0)).endsWith("gateway", "account");
        Map<String, Long> reported = new TreeMap<>();
        for (String[] row : transactions.subList(1, transactions.size())) {
            if (row[2].equals("CHARGE") && row[9].equals("SUCCESS")) {
                reported.merge(row[16] + " " + row[8], Long.parseLong(row[7]), Long::sum);
            }
        }
        Map<String, Long> atGateways = new TreeMap<>();
        for (String merchant : List.of(GatewayProperties.SIMULATOR_MERCHANT, KSA_MERCHANT)) {
            for (var order : fixtures.simulatorOrders(merchant)) {
                if (order.merchantReference().startsWith("CH-")) {
                    atGateways.merge((merchant.equals(KSA_MERCHANT) ? "ksa" : "default") + " " + order.currency(), order.capturedAmount(), Long::sum);
                }
            }
        }
        assertThat(reported).isEqualTo(atGateways).containsOnlyKeys("default AED", "default JPY", "ksa SAR");
        List<String> summary = Files.readAllLines(day.resolve("summary-" + NIGHT + ".csv"));
        assertThat(summary.get(0)).isEqualTo("currency,kind,outcome,count,amount,account");
        assertThat(summary).contains("SAR,CHARGE,SUCCESS,30,105.00,ksa", "SAR,CONTROL_ORDERS,DUE,30,105.00,ksa",
                "AED,CHARGE,SUCCESS,18,58.50,default", "JPY,CHARGE,SUCCESS,12,3600,default", "SAR,VERIFICATION_CHARGE,SUCCESS,1,1.00,ksa",
                "AED,VERIFICATION_CHARGE,SUCCESS,1,1.00,default");
        assertThat(summary).noneMatch(line -> line.startsWith("SAR,") && line.endsWith(",default"))
                .noneMatch(line -> line.startsWith("AED,") && line.endsWith(",ksa"));
        // each account's own gateway report was fetched, and every movement found in it
        List<String[]> matching = csv(day.resolve("matching-" + NIGHT + ".csv"));
        assertThat(matching.get(0)).endsWith("detail", "account");
        assertThat(matching.subList(1, matching.size())).hasSize(transactions.size() - 1).allSatisfy(row -> {
            assertThat(row[0]).as(String.join(",", row)).isEqualTo("SIMULATED");
            assertThat(row[8]).as("gateway status of " + row[1]).isNotEmpty();
        });
        assertThat(matching.stream().skip(1).filter(row -> row[1].startsWith("CH-O-K-")).map(row -> row[10]).distinct()).containsExactly("ksa");
    }

    @Test
    void aNotificationSignedWithAnotherAccountsPhraseIsRefused() throws IOException {
        Path tokensFile = Files.writeString(dir.resolve("tokens.csv"), "token_name,customer_id,customer_email,card_mask,card_expiry,created_at,"
                + "status,agreement_id,account\nk-1,C-K1,k1@example.com,411111******1111,12/29,2026-11-01T10:00:00Z,VERIFIED,AGR-k1,ksa\n");
        Path ordersFile = Files.writeString(dir.resolve("orders.csv"), """
                order_id,customer_id,token_name,amount,currency,status,charge_on
                O-K-1,C-K1,k-1,12.50,SAR,SHIPPED,
                """);
        assertThat(imports.importFiles(tokensFile, ordersFile).rejected()).isZero();
        assertThat(runner.run("charge-orders", NIGHT).getStatus()).isEqualTo(BatchStatus.COMPLETED);
        String fortId = jdbc.queryForObject("SELECT fort_id FROM payment_attempts WHERE attempt_reference = 'CH-O-K-1-1'", String.class);

        // signed by the default account (its phrase, its identifier): a valid signature, but not the row's account
        Map<String, String> fromDefault = notification(accounts.effective(GatewayAccounts.DEFAULT), fortId);
        assertThatThrownBy(() -> notifications.receive(fromDefault, "test", 100)).isInstanceOf(NotificationService.BadSignature.class)
                .hasMessageContaining("signed by account default but merchant_reference CH-O-K-1-1 is account ksa's");
        // ksa's identifier with the default account's phrase: the signature does not verify
        Map<String, String> forged = notification(accounts.effective(GatewayAccounts.DEFAULT), fortId);
        forged.put("merchant_identifier", KSA_MERCHANT);
        forged.put("signature", new ApsSignature(SignatureType.parse("SHA-256")).sign(withoutSignature(forged),
                accounts.effective(GatewayAccounts.DEFAULT).responsePhrase()));
        assertThatThrownBy(() -> notifications.receive(forged, "test", 100)).isInstanceOf(NotificationService.BadSignature.class)
                .hasMessageContaining("does not verify");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM aps_notifications", Long.class)).isZero();

        // the same, signed by ksa itself, is taken (and agrees with what the reply said)
        assertThat(notifications.receive(notification(accounts.effective("ksa"), fortId), "test", 100))
                .isEqualTo(NotificationService.Outcome.AGREES);
    }

    @Test
    void anOrderOfAnAccountNoLongerConfiguredIsHeldWithTheReasonNeverSent() {
        fixtures.token("tok-gone", "VERIFIED");
        jdbc.update("UPDATE tokens SET account = 'gone' WHERE token_name = 'tok-gone'"); // its account was taken out of the settings
        fixtures.order("O-GONE", "tok-gone", 1000, "AED", "SHIPPED", null);
        fixtures.token("tok-here", "VERIFIED");
        fixtures.order("O-HERE", "tok-here", 1000, "AED", "SHIPPED", null);

        assertThat(runner.run("charge-orders", NIGHT).getStatus()).isEqualTo(BatchStatus.COMPLETED);

        assertThat(fixtures.orderStatus("O-HERE")).isEqualTo("PAID");
        assertThat(fixtures.orderStatus("O-GONE")).isEqualTo("SHIPPED");
        assertThat(fixtures.gatewayRequestsFor("O-GONE")).isZero();
        assertThat(jdbc.queryForList("SELECT reason FROM charge_holds WHERE order_id = 'O-GONE'", String.class))
                .containsExactly("token tok-gone belongs to account 'gone', which is not configured (billing.gateway.accounts.gone.*)");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment_attempts WHERE order_id = 'O-GONE'", Long.class)).isZero();
    }

    /** A PURCHASE notification of CH-O-K-1-1 as the account {@code signer} would send it, signed with its response phrase. */
    private static Map<String, String> notification(GatewayProperties signer, String fortId) {
        Map<String, String> fields = new TreeMap<>();
        fields.put("command", "PURCHASE");
        fields.put("merchant_reference", "CH-O-K-1-1");
        fields.put("amount", "1250");
        fields.put("currency", "SAR");
        fields.put("response_code", "14000");
        fields.put("response_message", "Success");
        fields.put("status", "14");
        fields.put("fort_id", fortId);
        fields.put("access_code", signer.accessCode());
        fields.put("merchant_identifier", signer.merchantIdentifier());
        fields.put("language", "en");
        fields.put("signature", new ApsSignature(signer.signature()).sign(fields, signer.responsePhrase()));
        return fields;
    }

    private static Map<String, String> withoutSignature(Map<String, String> fields) {
        Map<String, String> copy = new TreeMap<>(fields);
        copy.remove("signature");
        return copy;
    }

    private static List<String[]> csv(Path file) throws IOException {
        List<String[]> rows = new ArrayList<>();
        try (com.opencsv.CSVReader reader = new com.opencsv.CSVReader(Files.newBufferedReader(file))) {
            for (String[] row : reader) {
                rows.add(row);
            }
        }
        return rows;
    }
}
