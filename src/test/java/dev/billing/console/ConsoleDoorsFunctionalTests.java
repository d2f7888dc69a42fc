package dev.billing.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import dev.billing.Fixtures;
import dev.billing.operations.JobRunner;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

/**
 * The console's doors under a careless or hostile visitor: refusals that cannot flood the audit trail (counted per source
 * and minute) and a trail that pages and filters; sign-in throttled per address, a lock of one address never locking
 * the user out from another; malformed input is a 400; health says its status only to the anonymous; a restart that
 * cannot happen, a date in the future, a settlement file that cannot be read, each refused in words.
 */
@ConsoleMvcTest
class ConsoleDoorsFunctionalTests {

    private static final LocalDate NIGHT = LocalDate.of(2026, 11, 27);

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ConsoleUsers users;
    @Autowired
    JobRunner runner;
    @Autowired
    JobRepository jobRepository;

    /** The audit trail keeps every earlier run's rows: each test's names and addresses are its own. */
    String run;

    @BeforeEach
    void reset() {
        new Fixtures(jdbc).reset();
        run = UUID.randomUUID().toString().substring(0, 8);
    }

    private static RequestPostProcessor from(String address) {
        return request -> {
            request.setRemoteAddr(address);
            return request;
        };
    }

    /** A source address no other test or run has used (as far as chance goes). */
    private static String address() {
        java.util.Random random = new java.util.Random();
        return "10." + (random.nextInt(250) + 1) + "." + random.nextInt(250) + "." + (random.nextInt(250) + 1);
    }

    private MockHttpServletResponse perform(org.springframework.test.web.servlet.RequestBuilder request) throws Exception {
        return mvc.perform(request).andReturn().getResponse();
    }

    @Test
    void aFloodOfAnonymousRefusalsIsCountedInAFewRowsAndAPersonsActionStaysFindable() throws Exception {
        String flooder = address();
        String olga = "olga-" + run;
        long rowsBefore = jdbc.queryForObject("SELECT count(*) FROM audit_log", Long.class);

        for (int i = 0; i < 400; i++) {
            assertThat(perform(post("/console/executions/" + i + "/abandon").param("_csrf", "x").with(from(flooder))).getStatus())
                    .isEqualTo(403);
        }
        long id = runner.run("reconcile", NIGHT).getId();
        perform(post("/console/executions/" + id + "/abandon").with(user(olga).roles("OPERATOR")).with(csrf()));

        long rowsAdded = jdbc.queryForObject("SELECT count(*) FROM audit_log", Long.class) - rowsBefore;
        assertThat(rowsAdded).as("400 refusals in at most two minutes' rows, and the operator's action").isBetween(2L, 3L);
        assertThat(jdbc.queryForObject("SELECT sum(count) FROM audit_log WHERE source = ? AND actor = 'anonymous'", Long.class, flooder))
                .isEqualTo(400);
        String page = perform(get("/console/audit").param("actor", olga).with(user("v-" + run).roles("VIEWER"))).getContentAsString();
        assertThat(page).contains("ABANDON").contains("execution " + id).doesNotContain(flooder);
        String denied = perform(get("/console/audit").param("action", "DENIED").param("result", "CSRF")
                .param("date", LocalDate.now(java.time.ZoneOffset.UTC).toString()).with(user("v-" + run).roles("VIEWER"))).getContentAsString();
        assertThat(denied).contains(flooder).doesNotContain(olga);
    }

    @Test
    void theAuditTrailPagesBackwards() throws Exception {
        String actor = "pager-" + run;
        for (int i = 0; i < ConsoleController.AUDIT_PAGE + 5; i++) {
            jdbc.update("INSERT INTO audit_log (actor, action, target, result) VALUES (?, 'TEST', ?, 'ok')", actor, "item-" + i);
        }
        String first = perform(get("/console/audit").param("actor", actor).with(user("v-" + run).roles("VIEWER"))).getContentAsString();
        assertThat(first).contains("item-" + (ConsoleController.AUDIT_PAGE + 4)).doesNotContain(">item-4<").contains("id=\"older\"");
        String older = first.substring(first.indexOf("href=\"", first.indexOf("id=\"older\"")) + 6);
        older = older.substring(0, older.indexOf('"')).replace("&amp;", "&");

        String second = perform(get(older).with(user("v-" + run).roles("VIEWER"))).getContentAsString();

        assertThat(second).contains(">item-4<").contains(">item-0<").doesNotContain(">item-5<").doesNotContain("id=\"older\"");
    }

    @Test
    void signInFailuresAreThrottledPerAddressAndALockFromOneAddressLeavesTheOthersAlone() throws Exception {
        String name = "olga-" + run;
        users.add(name, Role.OPERATOR, "correct-horse-battery");
        String attacker = address();
        String office = address();
        for (int i = 0; i < 5; i++) {
            perform(post("/login").param("username", name).param("password", "wrong-" + i).with(csrf()).with(from(attacker)));
        }

        assertThat(perform(post("/login").param("username", name).param("password", "correct-horse-battery").with(csrf())
                .with(from(attacker))).getRedirectedUrl()).as("locked from the attacker's address").endsWith("/login?error");
        assertThat(perform(post("/login").param("username", name).param("password", "correct-horse-battery").with(csrf())
                .with(from(office))).getRedirectedUrl()).as("not from the office").endsWith("/console");

        String sprayer = address();
        for (int i = 0; i < ConsoleUsers.ADDRESS_FAILURES_BEFORE_LOCK; i++) {
            perform(post("/login").param("username", "nobody-" + i).param("password", "guess").with(csrf()).with(from(sprayer)));
        }
        assertThat(perform(post("/login").param("username", name).param("password", "correct-horse-battery").with(csrf())
                .with(from(sprayer))).getRedirectedUrl()).as("the address itself is stopped for a minute").endsWith("/login?error");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_log WHERE action = 'SIGN_IN_FAILED' AND source = ? AND minute IS NULL",
                Long.class, sprayer)).as("failures one row each, up to the address's limit").isEqualTo(ConsoleUsers.ADDRESS_FAILURES_BEFORE_LOCK);
        for (int i = 0; i < 30; i++) {
            perform(post("/login").param("username", "more-" + i).param("password", "guess").with(csrf()).with(from(sprayer)));
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_log WHERE action = 'SIGN_IN_FAILED' AND source = ?", Long.class, sprayer))
                .as("then counted").isBetween(ConsoleUsers.ADDRESS_FAILURES_BEFORE_LOCK + 1L, ConsoleUsers.ADDRESS_FAILURES_BEFORE_LOCK + 2L);
    }

    @Test
    void malformedInputIsA400WithOneLineNotAServerError() throws Exception {
        // a token of the right length whose bytes, once unmasked, are not UTF-8 (Spring Security's decoder throws on it)
        byte[] raw = new byte[72];
        java.util.Arrays.fill(raw, 36, 72, (byte) 0xff);
        String notUtf8 = Base64.getUrlEncoder().encodeToString(raw);
        String source = address();

        MockHttpServletResponse signIn = perform(post("/login").param("username", "a").param("password", "b").param("_csrf", notUtf8)
                .with(from(source)));
        MockHttpServletResponse search = perform(get(java.net.URI.create("/console/orders?q=ab%00cd")).with(user("v-" + run).roles("VIEWER")));

        assertThat(signIn.getStatus()).isEqualTo(400);
        assertThat(signIn.getContentAsString()).contains("CSRF token").doesNotContain("Exception");
        assertThat(search.getStatus()).isEqualTo(400);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_log WHERE source = ? AND result LIKE '400:%'", Long.class, source)).isOne();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_log WHERE actor = ? AND result LIKE '400:%'", Long.class, "v-" + run))
                .isOne();
    }

    @Test
    void healthSaysItsStatusOnlyToTheAnonymous() throws Exception {
        String anonymous = perform(get("/actuator/health")).getContentAsString();
        String signedIn = perform(get("/actuator/health").with(user("v-" + run).roles("VIEWER"))).getContentAsString();

        assertThat(anonymous).contains("\"status\":\"UP\"").doesNotContain("components").doesNotContain("PostgreSQL");
        assertThat(signedIn).contains("components").contains("db");
    }

    @Test
    void aRunningExecutionIsNotRestartedAndTheConsoleSaysSo() throws Exception {
        JobExecution running = execution(NIGHT, BatchStatus.STARTED);
        String operator = "o-" + run;

        MockHttpServletResponse answer = perform(post("/console/executions/" + running.getId() + "/restart")
                .with(user(operator).roles("OPERATOR")).with(csrf()));

        assertThat(answer.getStatus()).isEqualTo(302);
        assertThat(jdbc.queryForObject("SELECT result FROM audit_log WHERE actor = ? AND action = 'RESTART'", String.class, operator))
                .startsWith("refused: job execution " + running.getId() + " is STARTED");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_log WHERE actor = ? AND action = 'RESTART_ENDED'", Long.class, operator))
                .isZero();
    }

    @Test
    void noDateAfterTomorrowIsRestartedOrMatchedFromTheConsoleAndNothingBefore2000() throws Exception {
        LocalDate future = runner.today().plusDays(3);
        JobExecution failed = execution(future, BatchStatus.FAILED);
        String operator = "o-" + run;
        byte[] file = "merchant_reference,operation,amount,currency,status\n".getBytes(StandardCharsets.UTF_8);

        perform(post("/console/executions/" + failed.getId() + "/restart").with(user(operator).roles("OPERATOR")).with(csrf()));
        perform(multipart("/console/reports/" + future + "/settlement").file(new MockMultipartFile("file", "aps.csv", "text/csv", file))
                .with(user(operator).roles("OPERATOR")).with(csrf()));
        perform(multipart("/console/reports/1999-12-31/settlement").file(new MockMultipartFile("file", "aps.csv", "text/csv", file))
                .with(user(operator).roles("OPERATOR")).with(csrf()));

        assertThat(jdbc.queryForList("SELECT action || ': ' || result FROM audit_log WHERE actor = ? ORDER BY id", String.class, operator))
                .containsExactly("RESTART: refused: job execution " + failed.getId() + "'s business date " + future + " is after tomorrow (today is "
                                + runner.today() + " in billing.zone): a date's deferred orders fall due on it, not before",
                        "SETTLEMENT_UPLOAD: refused: the business date " + future + " is after tomorrow (today is " + runner.today()
                                + " in billing.zone): a date's deferred orders fall due on it, not before",
                        "SETTLEMENT_UPLOAD: refused: the business date 1999-12-31 is outside 2000-01-01 to 2100-12-31");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM batch_job_execution WHERE job_execution_id > ?", Long.class, failed.getId()))
                .as("nothing ran").isZero();
    }

    @Test
    void aSettlementFileThatCannotBeReadIsRefusedInWordsWithoutAPathOrAClassName() throws Exception {
        String finance = "f-" + run;
        byte[] missingColumns = "merchant_reference,amount\nCH-1-1,10.00\n".getBytes(StandardCharsets.UTF_8);
        byte[] notUtf8 = {(byte) 0xff, (byte) 0xfe, 'a', ',', 'b', '\n'};

        perform(multipart("/console/reports/" + NIGHT + "/settlement").file(new MockMultipartFile("file", "aps.csv", "text/csv", missingColumns))
                .with(user(finance).roles("FINANCE")).with(csrf()));
        perform(multipart("/console/reports/" + NIGHT + "/settlement").file(new MockMultipartFile("file", "aps.csv", "text/csv", notUtf8))
                .with(user(finance).roles("FINANCE")).with(csrf()));

        assertThat(jdbc.queryForList("SELECT result FROM audit_log WHERE actor = ? ORDER BY id", String.class, finance))
                .hasSize(2)
                .allSatisfy(result -> assertThat(result).doesNotContain("/").doesNotContain("Exception").doesNotContain("dev.billing"))
                .satisfiesExactly(
                        first -> assertThat(first).contains("the uploaded file has no column 'operation'"),
                        second -> assertThat(second).contains("the uploaded file is not UTF-8 text"));
    }

    /** An execution of nightly for {@code date} left in {@code status}, as a process that ran it would leave it. */
    private JobExecution execution(LocalDate date, BatchStatus status) {
        JobParameters parameters = new JobParametersBuilder().addLocalDate("businessDate", date).addString("test", run).toJobParameters();
        JobInstance instance = jobRepository.createJobInstance("nightly", parameters);
        JobExecution execution = jobRepository.createJobExecution(instance, parameters, new ExecutionContext());
        execution.setStartTime(LocalDateTime.now(java.time.ZoneOffset.UTC));
        execution.setStatus(status);
        if (status == BatchStatus.FAILED) {
            execution.setEndTime(LocalDateTime.now(java.time.ZoneOffset.UTC));
        }
        jobRepository.update(execution);
        return execution;
    }
}
