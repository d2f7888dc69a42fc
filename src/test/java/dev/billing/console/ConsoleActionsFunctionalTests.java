package dev.billing.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import dev.billing.Fixtures;
import dev.billing.gateway.ApsClient;
import dev.billing.gateway.OutcomeClass;
import dev.billing.money.CurrencyUnit;
import dev.billing.money.Money;
import dev.billing.operations.JobRunner;
import dev.billing.support.EngineProperties;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.RequestBuilder;
import org.springframework.test.web.servlet.request.AbstractMockHttpServletRequestBuilder;

/**
 * Every console action for every role (allowed and audited, or 403 and audited), and what the charge actions do to
 * the ledger: a status check settles a lost reply once; "charge again" is a real charge, under the night's rules.
 */
@ConsoleMvcTest
class ConsoleActionsFunctionalTests {

    private static final LocalDate NIGHT = LocalDate.of(2026, 11, 27);

    @Autowired
    dev.billing.events.Outbox outbox;
    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobRunner runner;
    @Autowired
    ApsClient gateway;
    @Autowired
    EngineProperties engine;

    Fixtures fixtures;
    /** The audit trail keeps every earlier run's rows (nothing deletes them): each test's users have names of their own. */
    String olga;
    String run;

    @BeforeEach
    void reset() {
        fixtures = new Fixtures(jdbc);
        fixtures.reset();
        run = java.util.UUID.randomUUID().toString().substring(0, 8);
        olga = "olga-" + run;
    }

    private long audited(String actor, String action) {
        return jdbc.queryForObject("SELECT count(*) FROM audit_log WHERE actor = ? AND action = ?", Long.class, actor, action);
    }

    private List<Path> uploads() throws java.io.IOException {
        Path dir = engine.dataDir().resolve("settlements");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }

    private int status(RequestBuilder request) throws Exception {
        return mvc.perform(request).andReturn().getResponse().getStatus();
    }

    @Test
    void everyActionForEveryRoleIsAllowedOrRefusedWith403AndAuditedEitherWay() throws Exception {
        fixtures.token("t", "VERIFIED");
        fixtures.order("O-1", "t", 1000, "AED", "PAYMENT_FAILED", null);
        long id = runner.run("reconcile", NIGHT).getId();
        byte[] settlement = "merchant_reference,operation,amount,currency,status\n".getBytes(StandardCharsets.UTF_8);
        record Action(String audit, boolean financeMay, java.util.function.Function<String, AbstractMockHttpServletRequestBuilder<?>> request) {
        }
        List<Action> actions = List.of(
                new Action("RESTART", false, who -> post("/console/executions/" + id + "/restart")),
                new Action("STOP", false, who -> post("/console/executions/" + id + "/stop")),
                new Action("ABANDON", false, who -> post("/console/executions/" + id + "/abandon")),
                new Action("RECOVER", false, who -> post("/console/executions/recover")),
                new Action("STATUS_CHECK", false, who -> post("/console/exceptions/ask").param("reference", "CH-O-1-9").param("date", "2026-11-27")),
                new Action("CHARGE_AGAIN", false, who -> post("/console/orders/NO-SUCH/charge")),
                new Action("SETTLEMENT_UPLOAD", true, who -> multipart("/console/reports/2026-11-27/settlement")
                        .file(new MockMultipartFile("file", "aps.csv", "text/csv", settlement))),
                new Action("REFUND", true, who -> post("/console/orders/NO-SUCH/refunds").param("amount", "1").param("reason", "complaint")),
                new Action("REFUND_APPROVE", true, who -> post("/console/refunds/999999999/approve")),
                new Action("REFUND_REJECT", true, who -> post("/console/refunds/999999999/reject").param("note", "no")),
                new Action("EVENT_RESEND", false, who -> post("/console/events/evt_none/merchant/resend")));
        List<Path> uploadsBefore = uploads();
        for (Action action : actions) {
            for (String role : new String[] {"VIEWER", "FINANCE", "OPERATOR"}) {
                String who = role.toLowerCase(java.util.Locale.ROOT) + "-" + action.audit().toLowerCase(java.util.Locale.ROOT) + "-" + run;
                boolean may = role.equals("OPERATOR") || (role.equals("FINANCE") && action.financeMay());
                long deniedBefore = audited(who, "DENIED");

                int answered = status(action.request().apply(who).with(user(who).roles(role)).with(csrf()));

                assertThat(answered).as(action.audit() + " by " + role).isEqualTo(may ? 302 : 403);
                assertThat(audited(who, action.audit())).as(action.audit() + " by " + role + " in the audit").isEqualTo(may ? 1 : 0);
                assertThat(audited(who, "DENIED") - deniedBefore).as(action.audit() + " by " + role + " denied in the audit")
                        .isEqualTo(may ? 0 : 1);
                if (may) {
                    int withoutCsrf = status(action.request().apply(who).with(user(who).roles(role)));
                    assertThat(withoutCsrf).as(action.audit() + " by " + role + " without the CSRF token").isEqualTo(403);
                    assertThat(audited(who, action.audit())).as("not done without the token").isEqualTo(1);
                }
            }
        }
        assertThat(jdbc.queryForObject("SELECT result FROM audit_log WHERE actor = ? AND action = 'CHARGE_AGAIN'", String.class,
                "operator-charge_again-" + run))
                .isEqualTo("refused: there is no order NO-SUCH");
        assertThat(jdbc.queryForObject("SELECT result FROM audit_log WHERE actor = ? AND action = 'SETTLEMENT_UPLOAD'",
                String.class, "finance-settlement_upload-" + run)).startsWith("reconcile execution ").endsWith("COMPLETED");
        assertThat(uploads()).as("uploaded files kept after their run").isSubsetOf(uploadsBefore);
        assertThat(jdbc.queryForObject("SELECT result FROM audit_log WHERE actor = ? AND action = 'REFUND'", String.class,
                "finance-refund-" + run)).isEqualTo("REFUSED: there is no order NO-SUCH");
    }

    @Test
    void everyoneSeesTheWebhookDeliveriesAndOnlyAnOperatorResendsOne() throws Exception {
        String id = outbox.append(dev.billing.events.EventType.NIGHT_FAILED, java.util.Map.of("job_execution_id", 7L));
        jdbc.update("""
                INSERT INTO event_deliveries (event_id, endpoint, status, attempts, last_status, last_error)
                VALUES (?, 'merchant', 'GAVE_UP', 9, 503, 'HTTP 503')""", id);
        String viewer = mvc.perform(get("/console/events").with(user("v").roles("VIEWER"))).andReturn().getResponse().getContentAsString();
        assertThat(viewer).contains(id).contains("night.failed").contains("GAVE_UP").contains("HTTP 503").doesNotContain("class=\"resend\"");
        String operator = mvc.perform(get("/console/events").param("status", "GAVE_UP").with(user("o").roles("OPERATOR")))
                .andReturn().getResponse().getContentAsString();
        assertThat(operator).contains(id).contains("class=\"resend\"");

        assertThat(status(post("/console/events/" + id + "/merchant/resend").with(user("o").roles("OPERATOR")).with(csrf()))).isEqualTo(302);
        assertThat(jdbc.queryForObject("SELECT status FROM event_deliveries WHERE event_id = ?", String.class, id)).isEqualTo("PENDING");
    }

    @Test
    void reportsAreListedWithTheirChecksumsAndOnlyFinanceAndOperatorsDownloadThem() throws Exception {
        fixtures.token("t", "VERIFIED");
        fixtures.order("O-1", "t", 1234, "KWD", "SHIPPED", null);
        runner.run("charge-orders", NIGHT);
        runner.run("reconcile", NIGHT);
        Path summary = engine.reports().dir().resolve(NIGHT.toString()).resolve("summary-" + NIGHT + ".csv");
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(summary)));

        String page = mvc.perform(get("/console/reports/" + NIGHT).with(user("v").roles("VIEWER"))).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("summary-" + NIGHT + ".csv").contains(sha).doesNotContain("/console/reports/" + NIGHT + "/summary")
                .doesNotContain("Upload and match");
        assertThat(status(get("/console/reports/" + NIGHT + "/summary-" + NIGHT + ".csv").with(user("v").roles("VIEWER")))).isEqualTo(403);

        MockHttpServletResponse download = mvc.perform(get("/console/reports/" + NIGHT + "/summary-" + NIGHT + ".csv")
                .with(user("f").roles("FINANCE"))).andReturn().getResponse();
        assertThat(download.getStatus()).isEqualTo(200);
        assertThat(download.getHeader("Content-Disposition")).contains("attachment").contains("summary-" + NIGHT + ".csv");
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(download.getContentAsByteArray()))).isEqualTo(sha);
        assertThat(mvc.perform(get("/console/reports/" + NIGHT + "/summary-" + NIGHT + ".csv.sha256").with(user("f").roles("FINANCE")))
                .andReturn().getResponse().getContentAsString()).startsWith(sha);
        for (String hostile : new String[] {"..%2F..%2Fpom.xml", "summary-2026-11-26.csv", "notes.txt", "summary-" + NIGHT + ".csv.bak"}) {
            assertThat(status(get("/console/reports/" + NIGHT + "/" + hostile).with(user("f").roles("FINANCE")))).as(hostile).isIn(400, 404);
        }
    }

    @Test
    void askingTheGatewaySettlesALostReplyOnceThroughTheLedger() throws Exception {
        fixtures.token("t", "VERIFIED");
        fixtures.order("O-1", "t", 1500, "AED", "SHIPPED", null);
        // a charge sent, whose reply was lost: the row committed before the call, the gateway took the money
        jdbc.update("""
                INSERT INTO payment_attempts (attempt_reference, merchant_reference, kind, order_id, token_name, attempt, amount_minor,
                                              currency, business_date, state)
                VALUES ('CH-O-1-1', 'CH-O-1-1', 'CHARGE', 'O-1', 't', 1, 1500, 'AED', ?, 'UNKNOWN')""", java.sql.Date.valueOf(NIGHT));
        assertThat(gateway.purchase("CH-O-1-1", Money.ofMinor(1500, CurrencyUnit.require("AED")), "t", "c@example.com", "Order O-1",
                "AGR-t").outcome()).isEqualTo(OutcomeClass.SUCCESS);
        String exceptions = mvc.perform(get("/console/exceptions").param("date", NIGHT.toString()).with(user("o").roles("OPERATOR")))
                .andReturn().getResponse().getContentAsString();
        assertThat(exceptions).contains("UNKNOWN_OUTCOME").contains("Ask the gateway now");

        for (int i = 0; i < 2; i++) {
            mvc.perform(post("/console/exceptions/ask").param("reference", "CH-O-1-1").param("date", NIGHT.toString())
                    .with(user(olga).roles("OPERATOR")).with(csrf()));
        }

        assertThat(fixtures.orderStatus("O-1")).isEqualTo("PAID");
        assertThat(jdbc.queryForObject("SELECT state FROM payment_attempts WHERE attempt_reference = 'CH-O-1-1'", String.class)).isEqualTo("SUCCEEDED");
        assertThat(fixtures.gatewayRequestsFor("O-1")).as("a status check never charges").isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT result FROM audit_log WHERE actor = ? AND action = 'STATUS_CHECK' ORDER BY id", String.class, olga))
                .satisfiesExactly(first -> assertThat(first).startsWith("settled SUCCESS"),
                        second -> assertThat(second).startsWith("refused: charge CH-O-1-1 is not waiting for an outcome"));
    }

    @Test
    void askingTheGatewayAboutAVerificationChargeSettlesItAndTheRefundBecomesOwed() throws Exception {
        fixtures.token("t-new", "VERIFYING");
        long tokenId = jdbc.queryForObject("SELECT id FROM tokens WHERE token_name = 't-new'", Long.class);
        String reference = "VC-" + tokenId + "-1";
        jdbc.update("""
                INSERT INTO payment_attempts (attempt_reference, merchant_reference, kind, token_name, attempt, amount_minor, currency,
                                              business_date, state)
                VALUES (?, ?, 'VERIFICATION_CHARGE', 't-new', 1, 100, 'AED', ?, 'UNKNOWN')""", reference, reference,
                java.sql.Date.valueOf(NIGHT));
        assertThat(gateway.purchase(reference, Money.ofMinor(100, CurrencyUnit.require("AED")), "t-new", "c@example.com", null,
                "AGR-t-new").outcome()).isEqualTo(OutcomeClass.SUCCESS);
        assertThat(mvc.perform(get("/console/exceptions").param("date", NIGHT.toString()).with(user("o").roles("OPERATOR")))
                .andReturn().getResponse().getContentAsString()).contains(reference).contains("Ask the gateway now");

        mvc.perform(post("/console/exceptions/ask").param("reference", reference).param("date", NIGHT.toString())
                .with(user(olga).roles("OPERATOR")).with(csrf()));

        assertThat(fixtures.tokenStatus("t-new")).isEqualTo("VERIFIED");
        assertThat(jdbc.queryForObject("SELECT state FROM payment_attempts WHERE attempt_reference = ?", String.class, reference))
                .isEqualTo("SUCCEEDED");
        assertThat(jdbc.queryForObject("SELECT result FROM audit_log WHERE actor = ? AND action = 'STATUS_CHECK'", String.class, olga))
                .startsWith("settled SUCCESS");
        assertThat(mvc.perform(get("/console/exceptions").param("date", NIGHT.toString()).with(user("o").roles("OPERATOR")))
                .andReturn().getResponse().getContentAsString()).contains("REFUND_OWED");
    }

    @Test
    void chargeAgainIsARealChargeUnderTheNightsRulesRecordedWithTheUsersName() throws Exception {
        fixtures.token("tok-new-1", "NEW");
        fixtures.order("O-1", "tok-new-1", 700, "JPY", "SHIPPED", null);
        runner.run("charge-orders", NIGHT);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM charge_holds WHERE order_id = 'O-1'", Long.class)).isEqualTo(1);

        mvc.perform(post("/console/orders/O-1/charge").with(user(olga).roles("OPERATOR")).with(csrf()));
        assertThat(jdbc.queryForObject("SELECT result FROM audit_log WHERE actor = ? AND action = 'CHARGE_AGAIN' ORDER BY id DESC LIMIT 1", String.class, olga))
                .isEqualTo("refused: token tok-new-1 is NEW, not VERIFIED: the order cannot be charged with it");
        assertThat(fixtures.gatewayRequestsFor("O-1")).isZero();

        jdbc.update("UPDATE tokens SET status = 'VERIFIED' WHERE token_name = 'tok-new-1'");
        MockHttpServletResponse charged = mvc.perform(post("/console/orders/O-1/charge").with(user(olga).roles("OPERATOR")).with(csrf()))
                .andReturn().getResponse();
        mvc.perform(post("/console/orders/O-1/charge").with(user(olga).roles("OPERATOR")).with(csrf()));

        assertThat(charged.getRedirectedUrl()).isEqualTo("/console/orders/O-1");
        assertThat(fixtures.orderStatus("O-1")).isEqualTo("PAID");
        assertThat(fixtures.gatewayRequestsFor("O-1")).as("charged once, the second click refused").isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT state || ' ' || initiated_by FROM payment_attempts WHERE order_id = 'O-1'", String.class))
                .isEqualTo("SUCCEEDED " + olga);
        assertThat(jdbc.queryForList("SELECT result FROM audit_log WHERE actor = ? AND action = 'CHARGE_AGAIN' ORDER BY id", String.class, olga))
                .hasSize(3).element(2).asString().startsWith("refused: order O-1 is PAID");
        assertThat(mvc.perform(get("/console/orders/O-1").with(user("v").roles("VIEWER"))).andReturn().getResponse().getContentAsString())
                .contains("manual: " + olga);
    }

    @Test
    void aFailedOrderChargedAgainKeepsItsDeclinesAndTheCardNetworkLimitStillApplies() throws Exception {
        fixtures.token("tok-insufficient-funds-1", "VERIFIED");
        fixtures.order("O-1", "tok-insufficient-funds-1", 1000, "AED", "PAYMENT_FAILED", null);
        jdbc.update("UPDATE orders SET soft_declines = 9 WHERE order_id = 'O-1'");

        mvc.perform(post("/console/orders/O-1/charge").with(user(olga).roles("OPERATOR")).with(csrf()));

        assertThat(fixtures.orderStatus("O-1")).as("declined again: out of retries, failed again").isEqualTo("PAYMENT_FAILED");
        assertThat(jdbc.queryForObject("SELECT state FROM payment_attempts WHERE order_id = 'O-1'", String.class)).isEqualTo("DECLINED");
        jdbc.update("""
                INSERT INTO payment_attempts (attempt_reference, merchant_reference, kind, order_id, token_name, attempt, amount_minor,
                                              currency, business_date, state, outcome_class)
                SELECT 'CH-O-1-' || i, 'CH-O-1-' || i, 'CHARGE', 'O-1', 'tok-insufficient-funds-1', i, 1000, 'AED', current_date - 1,
                       'DECLINED', 'SOFT_DECLINE' FROM generate_series(2, 20) AS i""");

        mvc.perform(post("/console/orders/O-1/charge").with(user(olga).roles("OPERATOR")).with(csrf()));

        assertThat(jdbc.queryForObject("SELECT result FROM audit_log WHERE actor = ? AND action = 'CHARGE_AGAIN' ORDER BY id DESC LIMIT 1", String.class, olga))
                .startsWith("refused: card-network limit");
        assertThat(fixtures.gatewayRequestsFor("O-1")).isEqualTo(1);
    }

    @Test
    void theNightsPageShowsTheNightRunningNowWithItsProgressRateAndTimeLeft() throws Exception {
        fixtures.manyOrders(300, 10);
        LocalDate today = runner.today();
        long instance = jdbc.queryForObject("SELECT nextval('batch_job_instance_seq')", Long.class);
        long execution = jdbc.queryForObject("SELECT nextval('batch_job_execution_seq')", Long.class);
        jdbc.update("INSERT INTO batch_job_instance (job_instance_id, version, job_name, job_key) VALUES (?, 0, 'nightly', md5(?::text))",
                instance, instance);
        jdbc.update("""
                INSERT INTO batch_job_execution (job_execution_id, version, job_instance_id, create_time, start_time, status, exit_code,
                                                 last_updated) VALUES (?, 1, ?, now() - interval '2 minutes', now() - interval '2 minutes',
                                                 'STARTED', 'UNKNOWN', now())""", execution, instance);
        jdbc.update("""
                INSERT INTO batch_job_execution_params (job_execution_id, parameter_name, parameter_type, parameter_value, identifying)
                VALUES (?, 'businessDate', 'java.time.LocalDate', ?, 'Y')""", execution, today.toString());
        // the charge step has done 200 in its first 20 seconds; 300 orders are still due
        jdbc.update("""
                INSERT INTO batch_step_execution (step_execution_id, version, step_name, job_execution_id, create_time, start_time, status,
                    commit_count, read_count, filter_count, write_count, read_skip_count, write_skip_count, process_skip_count,
                    rollback_count, exit_code, last_updated)
                VALUES (nextval('batch_step_execution_seq'), 3, 'charge', ?, now() - interval '20 seconds', now() - interval '20 seconds',
                    'STARTED', 2, 200, 0, 200, 0, 0, 0, 0, 'EXECUTING', now())""", execution);
        try {
            String page = mvc.perform(get("/console").with(user("v").roles("VIEWER"))).andReturn().getResponse().getContentAsString();

            assertThat(page).contains("Running now").contains("http-equiv=\"refresh\"").contains(">charge<").contains(">200<")
                    .contains(">10/s<").contains("300 orders, about 30s").contains("nightly STARTED #" + execution);
        } finally {
            jdbc.update("UPDATE batch_step_execution SET status = 'FAILED' WHERE job_execution_id = ?", execution);
            jdbc.update("UPDATE batch_job_execution SET status = 'FAILED', end_time = now() WHERE job_execution_id = ?", execution);
        }
        assertThat(mvc.perform(get("/console").with(user("v").roles("VIEWER"))).andReturn().getResponse().getContentAsString())
                .doesNotContain("Running now").doesNotContain("http-equiv=\"refresh\"");
    }
}
