package dev.billing.refunds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.command.ExitCodes;
import dev.billing.gateway.ApsClient;
import dev.billing.ledger.Refunds;
import dev.billing.money.CurrencyUnit;
import dev.billing.money.Money;
import dev.billing.operations.JobRunner;
import dev.billing.reconciliation.ReconciliationReports;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Refunds of real charges, as finance asks for them on the command line, against the embedded PostgreSQL and the
 * in-process simulator: in full or in parts, never beyond what was captured (the database refuses it too), large ones
 * only with a second person, a lost reply or a crash settled by asking the gateway, and a file run twice refunding
 * nothing twice.
 */
@EngineTest
class RefundFunctionalTests {

    private static final LocalDate D = LocalDate.of(2026, 11, 27);

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobRunner runner;
    @Autowired
    ApsClient gateway;
    @Autowired
    RefundService refunds;
    @Autowired
    Refunds ledger;
    @Autowired
    PlatformTransactionManager transactionManager;
    @Autowired
    ReconciliationReports reports;
    @TempDir
    Path dir;

    private Fixtures fixtures;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() {
        fixtures = new Fixtures(jdbc);
        fixtures.reset();
        fixtures.token("good", "VERIFIED");
        fixtures.order("R-1", "good", 10_000, "AED", "SHIPPED", null);
        fixtures.order("R-BIG", "good", 300_000, "AED", "SHIPPED", null);
        fixtures.order("R-KWD", "good", 12_345, "KWD", "SHIPPED", null);
        fixtures.order("R-LATER", "good", 5_000, "AED", "PENDING", null);
        runner.run("charge-orders", D);
        assertThat(fixtures.orderStatus("R-1")).isEqualTo("PAID");
    }

    private int cli(String... args) {
        out.reset();
        err.reset();
        return Fixtures.cli(out, err).execute(args);
    }

    private String said() {
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    private long refundedAtGateway(String orderId) {
        return jdbc.queryForObject("SELECT refunded_amount FROM aps_simulator.orders WHERE merchant_reference = ?", Long.class,
                "CH-" + orderId + "-1");
    }

    private long refundCallsAtGateway(String orderId) {
        return jdbc.queryForObject("SELECT count(*) FROM aps_simulator.maintenance WHERE merchant_reference = ? AND command = 'REFUND'",
                Long.class, "CH-" + orderId + "-1");
    }

    @Test
    void aChargeIsRefundedInPartsThenInFullAndNeverBeyondWhatWasCaptured() throws Exception {
        assertThat(cli("refund", "R-1", "--amount", "30.00", "--reason", "goodwill")).as(said()).isEqualTo(ExitCodes.OK);
        assertThat(said()).contains("refunded 30.00 AED of order R-1 (RF-R-1-1)");
        assertThat(fixtures.orderStatus("R-1")).isEqualTo("PARTIALLY_REFUNDED");
        assertThat(jdbc.queryForMap("SELECT merchant_reference, kind, state, amount_minor, initiated_by FROM payment_attempts"
                + " WHERE attempt_reference = 'RF-R-1-1'")).containsEntry("merchant_reference", "CH-R-1-1").containsEntry("kind", "REFUND")
                .containsEntry("state", "SUCCEEDED").containsEntry("amount_minor", 3000L);
        assertThat(refundedAtGateway("R-1")).isEqualTo(3000);

        assertThat(cli("refund", "R-1", "--amount", "80", "--reason", "too much")).isEqualTo(ExitCodes.USAGE);
        assertThat(said()).contains("80.00 AED is more than the 70.00 AED left to refund of order R-1 (100.00 captured)");
        assertThat(cli("refund", "R-1", "--amount", "1.234", "--reason", "bad amount")).isEqualTo(ExitCodes.USAGE);
        assertThat(said()).contains("has 3 decimals but AED has 2");
        assertThat(cli("refund", "R-1", "--amount", "5")).isEqualTo(ExitCodes.USAGE);
        assertThat(said()).contains("a refund needs a reason");

        assertThat(cli("refund", "R-1", "--reason", "order cancelled")).as(said()).isEqualTo(ExitCodes.OK);
        assertThat(said()).contains("refunded 70.00 AED of order R-1 (RF-R-1-2)");
        assertThat(fixtures.orderStatus("R-1")).isEqualTo("REFUNDED");
        assertThat(refundedAtGateway("R-1")).isEqualTo(10_000);
        assertThat(refundCallsAtGateway("R-1")).isEqualTo(2);
        assertThat(jdbc.queryForList("SELECT body::json -> 'data' ->> 'refund_reference' FROM outbox WHERE type = 'refund.succeeded' ORDER BY id",
                String.class)).containsExactly("RF-R-1-1", "RF-R-1-2");

        // the books of the date the refunds were sent: their rows, and a net that gives the charge back
        LocalDate sent = refunds.today();
        runner.run("reconcile", sent);
        Path dated = reports.directory(sent);
        assertThat(Files.readAllLines(dated.resolve("transactions-" + sent + ".csv"))).filteredOn(l -> l.contains(",REFUND,"))
                .hasSize(2).allSatisfy(l -> assertThat(l).contains(",CH-R-1-1,REFUND,R-1,").contains(",SUCCESS,06000,"))
                .anySatisfy(l -> assertThat(l).contains(",30.00,3000,AED,")).anySatisfy(l -> assertThat(l).contains(",70.00,7000,AED,"));
        assertThat(Files.readAllLines(dated.resolve("summary-" + sent + ".csv"))).contains("AED,REFUND,SUCCESS,2,100.00",
                "AED,CONTROL_LEDGER,NET,2,-100.00");

        assertThat(cli("refund", "R-1", "--reason", "again")).isEqualTo(ExitCodes.USAGE);
        assertThat(said()).contains("has nothing left to refund");
        assertThat(cli("refund", "R-LATER", "--reason", "never charged")).isEqualTo(ExitCodes.USAGE);
        assertThat(said()).contains("order R-LATER is PENDING and has no successful charge");
        assertThat(cli("refund", "NOPE", "--reason", "x")).isEqualTo(ExitCodes.USAGE);
        assertThat(said()).contains("there is no order NOPE");
        assertThat(refundCallsAtGateway("R-1")).as("nothing refused was sent").isEqualTo(2);

        // the database itself refuses more than was captured, and a refund in another currency
        assertThatThrownBy(() -> jdbc.update("""
                INSERT INTO payment_attempts (attempt_reference, merchant_reference, kind, order_id, token_name, attempt, amount_minor,
                                              currency, business_date, state)
                VALUES ('RF-R-1-9', 'CH-R-1-1', 'REFUND', 'R-1', 'good', 9, 1, 'AED', DATE '2026-11-27', 'PREPARED')"""))
                .isInstanceOf(DataIntegrityViolationException.class).hasMessageContaining("would make 10001 refunded of 10000 captured");
        assertThatThrownBy(() -> jdbc.update("""
                INSERT INTO payment_attempts (attempt_reference, merchant_reference, kind, order_id, token_name, attempt, amount_minor,
                                              currency, business_date, state)
                VALUES ('RF-R-KWD-9', 'CH-R-KWD-1', 'REFUND', 'R-KWD', 'good', 9, 1, 'AED', DATE '2026-11-27', 'PREPARED')"""))
                .isInstanceOf(DataIntegrityViolationException.class).hasMessageContaining("is in AED, its charge in KWD");
    }

    @Test
    void aLargeRefundWaitsForASecondPersonWhoIsNeverTheOneWhoAsked() {
        long auditedBefore = jdbc.queryForObject("SELECT COALESCE(max(id), 0) FROM audit_log", Long.class);
        assertThat(cli("refund", "R-BIG", "--amount", "1500", "--reason", "complaint")).as(said()).isEqualTo(ExitCodes.WAITING_FOR_APPROVAL);
        assertThat(said()).contains("waits for a second person's approval").contains("above 1000.00 AED");
        long id = jdbc.queryForObject("SELECT id FROM refund_requests WHERE order_id = 'R-BIG'", Long.class);
        assertThat(refundCallsAtGateway("R-BIG")).isZero();
        String asker = jdbc.queryForObject("SELECT requested_by FROM refund_requests WHERE id = ?", String.class, id);

        RefundService.Outcome self = refunds.approve(id, asker);
        assertThat(self.result()).isEqualTo(RefundService.Result.REFUSED);
        assertThat(self.message()).contains("a second person approves it");
        assertThatThrownBy(() -> jdbc.update("UPDATE refund_requests SET decided_by = requested_by WHERE id = ?", id))
                .as("the database refuses it too").isInstanceOf(DataIntegrityViolationException.class);
        assertThat(refundCallsAtGateway("R-BIG")).isZero();

        RefundService.Outcome approved = refunds.approve(id, "fatima");
        assertThat(approved.result()).as(approved.message()).isEqualTo(RefundService.Result.REFUNDED);
        assertThat(refundedAtGateway("R-BIG")).isEqualTo(150_000);
        assertThat(fixtures.orderStatus("R-BIG")).isEqualTo("PARTIALLY_REFUNDED");
        assertThat(refunds.approve(id, "fatima").result()).as("approved once").isEqualTo(RefundService.Result.REFUSED);
        assertThat(refundCallsAtGateway("R-BIG")).isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT action FROM audit_log WHERE target = 'R-BIG' AND id > ? ORDER BY id", String.class, auditedBefore))
                .containsExactly("REFUND_REQUESTED", "REFUND_APPROVED");

        assertThat(cli("refund", "R-BIG", "--amount", "1000.01", "--reason", "more")).isEqualTo(ExitCodes.WAITING_FOR_APPROVAL);
        long second = jdbc.queryForObject("SELECT max(id) FROM refund_requests WHERE order_id = 'R-BIG'", Long.class);
        assertThat(refunds.reject(second, "fatima", "not agreed with the customer").result()).isEqualTo(RefundService.Result.FAILED);
        assertThat(jdbc.queryForMap("SELECT status, decision_note FROM refund_requests WHERE id = ?", second))
                .containsEntry("status", "REJECTED").containsEntry("decision_note", "not agreed with the customer");
        assertThat(refunds.approve(second, "omar").result()).as("a rejected request stays rejected").isEqualTo(RefundService.Result.REFUSED);
        assertThat(refundCallsAtGateway("R-BIG")).isEqualTo(1);
    }

    @Test
    void aPageOfAsksIsAskedAtOnceAndWhatTheLedgerRefusesInItIsRefusedAlone() {
        fixtures.order("R-2", "good", 4_000, "AED", "SHIPPED", null);
        fixtures.order("R-3", "good", 6_000, "AED", "SHIPPED", null);
        runner.run("charge-orders", D.plusDays(1));
        // the ledger itself refuses R-2's row (as its trigger would a refund beyond the capture), once the check in code passed
        jdbc.execute("""
                CREATE FUNCTION test_refuse_r2() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
                    RAISE EXCEPTION 'refused in the test' USING ERRCODE = 'check_violation'; END $$""");
        jdbc.execute("""
                CREATE TRIGGER test_refuse_r2 BEFORE INSERT ON payment_attempts FOR EACH ROW
                WHEN (NEW.kind = 'REFUND' AND NEW.order_id = 'R-2') EXECUTE FUNCTION test_refuse_r2()""");
        java.util.List<RefundService.Asked> asked;
        try {
            asked = refunds.askAll(java.util.List.of(RefundService.Ask.of("R-1", "10", "page", "finance"),
                    RefundService.Ask.of("R-2", "10", "page", "finance"), RefundService.Ask.of("R-3", "", "page", "finance")));
        } finally {
            jdbc.execute("DROP TRIGGER test_refuse_r2 ON payment_attempts");
            jdbc.execute("DROP FUNCTION test_refuse_r2()");
        }
        assertThat(asked).extracting(a -> a.send() == null ? null : a.send().reference()).containsExactly("RF-R-1-1", null, "RF-R-3-1");
        assertThat(asked.get(1).done().result()).isEqualTo(RefundService.Result.REFUSED);
        assertThat(asked.get(1).done().message()).contains("the ledger refused the refund of order R-2");
        assertThat(asked.get(2).send().amount()).isEqualTo(Money.ofMinor(6_000, CurrencyUnit.require("AED")));
        assertThat(jdbc.queryForList("SELECT order_id FROM refund_requests ORDER BY order_id", String.class)).containsExactly("R-1", "R-3");
        java.util.List<RefundService.Outcome> settled = refunds.settleAll(java.util.List.of(refunds.call(asked.get(0).send()),
                refunds.call(asked.get(2).send())));
        assertThat(settled).extracting(RefundService.Outcome::result).containsOnly(RefundService.Result.REFUNDED);
        assertThat(fixtures.orderStatus("R-1")).isEqualTo("PARTIALLY_REFUNDED");
        assertThat(fixtures.orderStatus("R-3")).isEqualTo("REFUNDED");
        assertThat(fixtures.orderStatus("R-2")).isEqualTo("PAID");

        // two asks of one order in one page: the first is asked, the second finds it in flight
        java.util.List<RefundService.Asked> twice = refunds.askAll(java.util.List.of(RefundService.Ask.of("R-2", "10", "one", "finance"),
                RefundService.Ask.of("R-2", "10", "two", "finance")));
        assertThat(twice.get(0).send().reference()).isEqualTo("RF-R-2-1");
        assertThat(twice.get(1).done().message()).contains("a refund of order R-2 is in flight (RF-R-2-1)");
        assertThat(refunds.settleAll(java.util.List.of(refunds.call(twice.get(0).send())))).extracting(RefundService.Outcome::result)
                .containsExactly(RefundService.Result.REFUNDED);
        assertThat(refundCallsAtGateway("R-2")).isEqualTo(1);
    }

    /** The charge's next refund row prepared (as a refund command does before its call), and its reference. */
    private String prepared(Refunds.Charge charge, Money amount) {
        java.util.Set<String> written = ledger.prepare(java.util.List.of(new Refunds.Planned(charge, amount, "finance")), D);
        assertThat(written).containsExactly(charge.nextReference());
        return charge.nextReference();
    }

    @Test
    void aRefundWhoseProcessDiedIsSettledByAskingTheGatewayAndNeverMadeTwice() {
        TransactionTemplate tx = new TransactionTemplate(transactionManager);
        // died after its row was committed, before the call: the gateway has not got it, so it is sent (once)
        String notSent = tx.execute(s -> prepared(ledger.chargeOf("R-1").orElseThrow(), Money.ofMinor(2500, CurrencyUnit.require("AED"))));
        // died after the call, before the reply was written: the gateway has it, so it is only recorded
        String sentNotRecorded = tx.execute(s -> prepared(ledger.chargeOf("R-KWD").orElseThrow(),
                Money.ofMinor(12_345, CurrencyUnit.require("KWD"))));
        assertThat(gateway.refund("CH-R-KWD-1", sentNotRecorded, Money.ofMinor(12_345, CurrencyUnit.require("KWD"))).outcome().isFinal()).isTrue();
        assertThat(cli("refund", "R-1", "--amount", "1", "--reason", "while one is open")).as(said()).isEqualTo(ExitCodes.OK);
        assertThat(said()).as("the open ones were settled first").contains("RF-R-1-2");

        assertThat(jdbc.queryForList("SELECT attempt_reference || ' ' || state FROM payment_attempts WHERE kind = 'REFUND' ORDER BY id",
                String.class)).containsExactly("RF-R-1-1 SUCCEEDED", "RF-R-KWD-1 SUCCEEDED", "RF-R-1-2 SUCCEEDED");
        assertThat(refundCallsAtGateway("R-1")).isEqualTo(2);
        assertThat(refundedAtGateway("R-1")).isEqualTo(2600);
        assertThat(refundCallsAtGateway("R-KWD")).as("asked about, never sent again").isEqualTo(1);
        assertThat(fixtures.orderStatus("R-KWD")).isEqualTo("REFUNDED");
        assertThat(notSent).isEqualTo("RF-R-1-1");
    }

    @Test
    void aFileOfRefundsRunTwiceRefundsNothingTwiceAndListsItsRejectedRows() throws Exception {
        Path file = dir.resolve("refunds.csv");
        Files.writeString(file, """
                order_id,amount,currency,reason
                R-1,10.00,AED,damaged
                R-KWD,,KWD,cancelled
                R-1,95.00,AED,over what is left
                NOPE,1,AED,no such order
                R-LATER,,AED,not charged
                R-1,1,USD,wrong currency
                R-BIG,2000,AED,large
                """);
        assertThat(cli("refund", "--file", file.toString())).as(said()).isEqualTo(ExitCodes.ROWS_REJECTED);
        assertThat(said()).contains("refunds.csv: 2 refunded, 1 waiting for approval, 4 rejected, 0 not known yet");
        Path rejects = Path.of(said().replaceAll("(?s).*rejected rows of refunds.csv with the reasons: (\\S+).*", "$1"));
        assertThat(Files.readAllLines(rejects)).hasSize(5).anySatisfy(l -> assertThat(l).startsWith("4,").contains("is more than the 90.00 AED left"))
                .anySatisfy(l -> assertThat(l).startsWith("5,").contains("there is no order NOPE"))
                .anySatisfy(l -> assertThat(l).startsWith("6,").contains("PENDING and has no successful charge"))
                .anySatisfy(l -> assertThat(l).startsWith("7,").contains("was charged in AED, not USD"));
        assertThat(refundCallsAtGateway("R-1")).isEqualTo(1);
        assertThat(refundCallsAtGateway("R-KWD")).isEqualTo(1);

        assertThat(cli("refund", "--file", file.toString())).as(said()).isEqualTo(ExitCodes.ROWS_REJECTED);
        assertThat(said()).contains("refunds.csv: 2 refunded, 1 waiting for approval, 4 rejected, 0 not known yet");
        assertThat(refundCallsAtGateway("R-1")).as("the same file again refunds nothing twice").isEqualTo(1);
        assertThat(refundCallsAtGateway("R-KWD")).isEqualTo(1);
        assertThat(refundCallsAtGateway("R-BIG")).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM refund_requests", Long.class)).isEqualTo(3);
    }
}
