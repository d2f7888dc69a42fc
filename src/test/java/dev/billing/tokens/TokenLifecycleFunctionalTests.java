package dev.billing.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.gateway.ApsClient;
import dev.billing.gateway.GatewayReply;
import dev.billing.gateway.OutcomeClass;
import dev.billing.importing.ImportService;
import dev.billing.money.CurrencyUnit;
import dev.billing.money.Money;
import dev.billing.operations.JobRunner;
import dev.billing.reconciliation.ReconciliationReports;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A token a hard decline made INVALID, or one the merchant marked DELETED, is set INACTIVE at the gateway by the
 * nightly's {@code deactivate-tokens} step: once, through a ledger row committed before the call; a refusal is tried
 * again the next night; a row left open is sent again with its own reference; the gateway then refuses charges on it.
 */
@EngineTest
class TokenLifecycleFunctionalTests {

    private static final LocalDate NIGHT = LocalDate.of(2026, 11, 27);

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobRunner runner;
    @Autowired
    ApsClient gateway;
    @Autowired
    ImportService importService;
    @Autowired
    ReconciliationReports reports;

    Fixtures fixtures;

    @BeforeEach
    void reset() {
        fixtures = new Fixtures(jdbc);
        fixtures.reset();
    }

    private List<String> deactivationRows(String token) {
        return jdbc.queryForList("""
                SELECT attempt_reference || ' ' || state || ' ' || amount_minor || ' ' || currency || ' ' || business_date
                FROM payment_attempts WHERE kind = 'TOKEN_DEACTIVATION' AND token_name = ? ORDER BY attempt""", String.class, token);
    }

    private long tokenId(String token) {
        return jdbc.queryForObject("SELECT id FROM tokens WHERE token_name = ?", Long.class, token);
    }

    @Test
    void aHardDeclineLeadsToExactlyOneDeactivationAndTheReportsShowIt() throws Exception {
        fixtures.token("good", "VERIFIED");
        fixtures.token("tok-expired-card", "VERIFIED");
        fixtures.order("G-1", "good", 1000, "AED", "SHIPPED", null);
        fixtures.order("X-1", "tok-expired-card", 2000, "AED", "SHIPPED", null);
        fixtures.order("X-2", "tok-expired-card", 3000, "AED", "SHIPPED", null);

        JobExecution night = runner.run("nightly", NIGHT);

        assertThat(night.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(fixtures.tokenStatus("tok-expired-card")).isEqualTo("INVALID");
        assertThat(fixtures.gatewayDeactivations("tok-expired-card")).isEqualTo(1);
        assertThat(fixtures.gatewayTokenStatus("tok-expired-card")).isEqualTo("INACTIVE");
        assertThat(fixtures.gatewayTokenStatus("good")).isEqualTo("ACTIVE");
        long id = tokenId("tok-expired-card");
        assertThat(deactivationRows("tok-expired-card")).containsExactly("TD-" + id + "-1 SUCCEEDED 0 XXX " + NIGHT);
        assertThat(jdbc.queryForObject("SELECT deactivated_at IS NOT NULL FROM tokens WHERE token_name = 'tok-expired-card'", Boolean.class))
                .isTrue();

        String transactions = Files.readString(reports.directory(NIGHT).resolve("transactions-" + NIGHT + ".csv"), StandardCharsets.UTF_8);
        assertThat(transactions).contains("TD-" + id + "-1,TOKEN_DEACTIVATION,,C-tok-expired-card,tok-expired-card,0,0,XXX,SUCCESS,58000,");
        String summary = Files.readString(reports.directory(NIGHT).resolve("summary-" + NIGHT + ".csv"), StandardCharsets.UTF_8);
        assertThat(summary).contains("XXX,TOKEN_DEACTIVATION,SUCCESS,1,0").doesNotContain("XXX,CONTROL");
        assertThat(Files.readString(reports.directory(NIGHT).resolve("exceptions-" + NIGHT + ".csv"))).doesNotContain("TOKEN_DEACTIVATION_PENDING");

        // the next nights send nothing more; the gateway now refuses the dead token itself
        jdbc.update("UPDATE orders SET status = 'SHIPPED', next_attempt_on = NULL WHERE order_id = 'X-2'");
        jdbc.update("UPDATE tokens SET status = 'VERIFIED' WHERE token_name = 'tok-expired-card'");
        assertThat(runner.run("nightly", NIGHT.plusDays(1)).getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(fixtures.gatewayDeactivations("tok-expired-card")).isEqualTo(1);
        assertThat(deactivationRows("tok-expired-card")).hasSize(1);

        GatewayReply onInactive = gateway.purchase("CH-direct-1", Money.ofMinor(500, CurrencyUnit.require("AED")), "good-after",
                "c@example.com", null, "AGR-1");
        assertThat(onInactive.outcome()).isEqualTo(OutcomeClass.SUCCESS);
        jdbc.update("INSERT INTO aps_simulator.token_status (merchant_identifier, token_name, token_status) "
                + "SELECT merchant_identifier, 'good-after', 'INACTIVE' FROM aps_simulator.orders WHERE merchant_reference = 'CH-direct-1'");
        GatewayReply refused = gateway.purchase("CH-direct-2", Money.ofMinor(500, CurrencyUnit.require("AED")), "good-after",
                "c@example.com", null, "AGR-1");
        assertThat(refused.responseCode()).isEqualTo("13044");
        assertThat(refused.outcome()).isEqualTo(OutcomeClass.HARD_DECLINE);
        assertThat(jdbc.queryForObject("SELECT captured_amount FROM aps_simulator.orders WHERE merchant_reference = 'CH-direct-2'", Long.class))
                .isZero();
    }

    @Test
    void aDeletedTokensOrdersAreHeldAndTheTokenIsDeactivatedOnce() throws Exception {
        Path dir = Files.createTempDirectory("deleted");
        Path tokens = dir.resolve("tokens.csv");
        Files.writeString(tokens, """
                token_name,customer_id,customer_email,card_mask,card_expiry,created_at,status,agreement_id
                kept,C1,a@example.com,400555******0001,05/29,2026-01-31T09:15:00Z,VERIFIED,AGR-1
                removed,C2,b@example.com,400555******0002,05/29,2026-01-31T09:15:00Z,VERIFIED,AGR-2
                """);
        importService.importFiles(tokens, null);
        fixtures.order("K-1", "kept", 1000, "AED", "SHIPPED", null);
        fixtures.order("R-1", "removed", 2000, "AED", "SHIPPED", null);
        Files.writeString(tokens, """
                token_name,customer_id,customer_email,card_mask,card_expiry,created_at,status
                removed,C2,b@example.com,400555******0002,05/29,2026-01-31T09:15:00Z,DELETED
                """);
        assertThat(importService.importFiles(tokens, null).rejected()).isZero();
        assertThat(fixtures.tokenStatus("removed")).isEqualTo("DELETED");

        assertThat(runner.run("nightly", NIGHT).getStatus()).isEqualTo(BatchStatus.COMPLETED);

        assertThat(fixtures.orderStatus("K-1")).isEqualTo("PAID");
        assertThat(fixtures.orderStatus("R-1")).isEqualTo("SHIPPED");
        assertThat(fixtures.gatewayRequestsFor("R-1")).isZero();
        assertThat(jdbc.queryForList("SELECT order_id || ': ' || reason FROM charge_holds", String.class))
                .containsExactly("R-1: token removed is DELETED: the customer removed the card");
        assertThat(fixtures.gatewayDeactivations("removed")).isEqualTo(1);
        assertThat(fixtures.gatewayDeactivations("kept")).isZero();

        // a later file that lists the token as NEW again does not bring it back
        Files.writeString(tokens, """
                token_name,customer_id,customer_email,card_mask,card_expiry,created_at,status
                removed,C2,b@example.com,400555******0002,05/29,2026-01-31T09:15:00Z,NEW
                """);
        importService.importFiles(tokens, null);
        assertThat(fixtures.tokenStatus("removed")).isEqualTo("DELETED");
        assertThat(runner.run("nightly", NIGHT.plusDays(1)).getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(fixtures.gatewayDeactivations("removed")).isEqualTo(1);
        assertThat(fixtures.orderStatus("R-1")).isEqualTo("SHIPPED");
    }

    @Test
    void aRefusedDeactivationIsListedAndTriedAgainTheNextNight() throws Exception {
        // the simulator does not know a token scripted "no-such-token": its UPDATE_TOKEN is refused (59044)
        fixtures.token("tok-no-such-token", "INVALID");

        assertThat(runner.run("nightly", NIGHT).getStatus()).isEqualTo(BatchStatus.COMPLETED);
        long id = tokenId("tok-no-such-token");
        assertThat(deactivationRows("tok-no-such-token")).containsExactly("TD-" + id + "-1 FAILED 0 XXX " + NIGHT);
        assertThat(Files.readAllLines(reports.directory(NIGHT).resolve("exceptions-" + NIGHT + ".csv")))
                .anySatisfy(line -> assertThat(line).startsWith("TOKEN_DEACTIVATION_PENDING,TD-" + id + "-1,,tok-no-such-token,,,")
                        .contains("token INVALID is still active at the gateway; last deactivation: FAILED on " + NIGHT + ": 59044"));

        assertThat(runner.run("nightly", NIGHT.plusDays(1)).getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(deactivationRows("tok-no-such-token")).containsExactly("TD-" + id + "-1 FAILED 0 XXX " + NIGHT,
                "TD-" + id + "-2 FAILED 0 XXX " + NIGHT.plusDays(1));
    }

    @Test
    void aRowLeftOpenIsSentAgainWithItsOwnReferenceAndDoneOnce() {
        fixtures.token("lost-reply", "INVALID");
        fixtures.token("never-sent", "DELETED");
        long lost = tokenId("lost-reply");
        long never = tokenId("never-sent");
        // a run committed both rows, sent the first (the gateway carried it out, its reply was lost), and died
        for (String token : List.of("lost-reply", "never-sent")) {
            jdbc.update("""
                    INSERT INTO payment_attempts (attempt_reference, merchant_reference, kind, token_name, attempt, amount_minor, currency,
                                                  business_date, state)
                    SELECT 'TD-' || id || '-1', 'TD-' || id || '-1', 'TOKEN_DEACTIVATION', token_name, 1, 0, 'XXX', ?, 'PREPARED'
                    FROM tokens WHERE token_name = ?""", java.sql.Date.valueOf(NIGHT), token);
        }
        assertThat(gateway.updateTokenStatus("TD-" + lost + "-1", "lost-reply", "INACTIVE").outcome()).isEqualTo(OutcomeClass.SUCCESS);

        assertThat(runner.run("nightly", NIGHT.plusDays(1)).getStatus()).isEqualTo(BatchStatus.COMPLETED);

        assertThat(deactivationRows("lost-reply")).containsExactly("TD-" + lost + "-1 SUCCEEDED 0 XXX " + NIGHT);
        assertThat(deactivationRows("never-sent")).containsExactly("TD-" + never + "-1 SUCCEEDED 0 XXX " + NIGHT);
        assertThat(fixtures.gatewayDeactivations("lost-reply")).isEqualTo(1);
        assertThat(fixtures.gatewayDeactivations("never-sent")).isEqualTo(1);
        assertThat(fixtures.unresolved()).isZero();
    }
}
