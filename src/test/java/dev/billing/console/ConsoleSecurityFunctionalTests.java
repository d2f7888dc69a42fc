package dev.billing.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.httpBasic;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import dev.billing.Fixtures;
import dev.billing.operations.JobRunner;
import java.time.LocalDate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;

/** Who may reach what in the console: roles on the server, CSRF on every POST, the sign-in lock, the audit trail. */
@ConsoleMvcTest
class ConsoleSecurityFunctionalTests {

    private static final LocalDate NIGHT = LocalDate.of(2026, 11, 27);

    @Autowired
    MockMvc mvc;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ConsoleUsers users;
    @Autowired
    JobRunner runner;

    @BeforeEach
    void reset() {
        new Fixtures(jdbc).reset();
        jdbc.execute("TRUNCATE console_users");
    }

    private long audited(String action) {
        return jdbc.queryForObject("SELECT count(*) FROM audit_log WHERE action = ?", Long.class, action);
    }

    @Test
    void nothingOfTheConsoleWithoutAUserAndTheSignInPageSaysHowToAddOne() throws Exception {
        MockHttpServletResponse console = mvc.perform(get("/console").accept("text/html")).andReturn().getResponse();
        assertThat(console.getStatus()).isEqualTo(302);
        assertThat(console.getRedirectedUrl()).endsWith("/login");
        assertThat(mvc.perform(get("/actuator/prometheus")).andReturn().getResponse().getStatus()).isEqualTo(401);
        assertThat(mvc.perform(get("/actuator/health")).andReturn().getResponse().getStatus()).isEqualTo(200);
        assertThat(mvc.perform(get("/anything-else")).andReturn().getResponse().getStatus()).isIn(401, 403);
        assertThat(mvc.perform(get("/login")).andReturn().getResponse().getContentAsString())
                .contains("No user yet").contains("users add NAME --role OPERATOR");
    }

    @Test
    void everyRoleReadsOnlyAnOperatorActsAndOnlyWithTheCsrfToken() throws Exception {
        new Fixtures(jdbc).token("t", "VERIFIED");
        long id = runner.run("reconcile", NIGHT).getId();
        for (String role : new String[] {"VIEWER", "FINANCE", "OPERATOR"}) {
            assertThat(mvc.perform(get("/console").with(user("u").roles(role))).andReturn().getResponse().getStatus()).isEqualTo(200);
            assertThat(mvc.perform(get("/console/executions/" + id).with(user("u").roles(role))).andReturn().getResponse()
                    .getContentAsString()).contains("reconcile").contains("COMPLETED").contains("businessDate=" + NIGHT);
        }
        long before = audited("ABANDON");

        assertThat(mvc.perform(post("/console/executions/" + id + "/abandon").with(user("v").roles("VIEWER")).with(csrf()))
                .andReturn().getResponse().getStatus()).isEqualTo(403);
        assertThat(mvc.perform(post("/console/executions/" + id + "/abandon").with(user("f").roles("FINANCE")).with(csrf()))
                .andReturn().getResponse().getStatus()).isEqualTo(403);
        assertThat(mvc.perform(post("/console/executions/" + id + "/abandon").with(user("o").roles("OPERATOR")))
                .andReturn().getResponse().getStatus()).as("no CSRF token").isEqualTo(403);
        assertThat(audited("ABANDON")).isEqualTo(before);

        MockHttpServletResponse acted = mvc.perform(post("/console/executions/" + id + "/abandon").with(user("olga").roles("OPERATOR"))
                .with(csrf())).andReturn().getResponse();
        assertThat(acted.getStatus()).isEqualTo(302);
        assertThat(jdbc.queryForObject("SELECT actor || ' ' || action || ' ' || target || ': ' || result FROM audit_log"
                + " WHERE action = 'ABANDON' ORDER BY id DESC LIMIT 1", String.class))
                .startsWith("olga ABANDON execution " + id + ": refused: job execution " + id + " COMPLETED");
    }

    @Test
    void fiveFailedSignInsLockTheUserForAMinuteAndEachIsAudited() throws Exception {
        users.add("olga", Role.OPERATOR, "correct-horse-battery");
        long failedBefore = audited("SIGN_IN_FAILED");

        MockHttpServletResponse good = mvc.perform(post("/login").param("username", "olga").param("password", "correct-horse-battery")
                .with(csrf())).andReturn().getResponse();
        assertThat(good.getRedirectedUrl()).endsWith("/console");
        for (int i = 0; i < 5; i++) {
            MockHttpServletResponse bad = mvc.perform(post("/login").param("username", "olga").param("password", "wrong-" + i).with(csrf()))
                    .andReturn().getResponse();
            assertThat(bad.getRedirectedUrl()).endsWith("/login?error");
        }
        MockHttpServletResponse locked = mvc.perform(post("/login").param("username", "olga").param("password", "correct-horse-battery")
                .with(csrf())).andReturn().getResponse();

        assertThat(locked.getRedirectedUrl()).as("the right password, while locked").endsWith("/login?error");
        assertThat(audited("SIGN_IN_FAILED") - failedBefore).isEqualTo(6);
        assertThat(mvc.perform(get("/actuator/prometheus").with(httpBasic("olga", "correct-horse-battery"))).andReturn().getResponse()
                .getStatus()).as("locked for the scraper's basic sign-in too").isEqualTo(401);
        jdbc.update("UPDATE sign_in_failures SET locked_until = now() - interval '1 second' WHERE name = 'olga'");
        assertThat(mvc.perform(get("/actuator/prometheus").with(httpBasic("olga", "correct-horse-battery"))).andReturn().getResponse()
                .getStatus()).as("after the minute").isEqualTo(200);
        assertThat(mvc.perform(post("/login").param("username", "olga").param("password", "correct-horse-battery"))
                .andReturn().getResponse().getStatus()).as("sign-in without the CSRF token").isEqualTo(403);
    }

    @Test
    void anOrdersWholeHistoryAndTheSearchThatFindsIt() throws Exception {
        Fixtures fixtures = new Fixtures(jdbc);
        fixtures.token("tok-insufficient-funds-1", "VERIFIED");
        fixtures.token("tok-new-1", "NEW");
        fixtures.order("O-1", "tok-insufficient-funds-1", 1000, "AED", "SHIPPED", null);
        fixtures.order("O-2", "tok-insufficient-funds-1", 2500, "KWD", "SHIPPED", null);
        fixtures.order("O-3", "tok-new-1", 700, "JPY", "SHIPPED", null);
        runner.run("charge-orders", NIGHT);

        String declined = mvc.perform(get("/console/orders/O-1").with(user("v").roles("VIEWER"))).andReturn().getResponse()
                .getContentAsString();
        String held = mvc.perform(get("/console/orders/O-3").with(user("v").roles("VIEWER"))).andReturn().getResponse()
                .getContentAsString();
        MockHttpServletResponse byReference = mvc.perform(get("/console/orders").param("q", "CH-O-2-1").with(user("v").roles("VIEWER")))
                .andReturn().getResponse();
        String byToken = mvc.perform(get("/console/orders").param("q", "tok-insufficient-funds-1").with(user("v").roles("VIEWER")))
                .andReturn().getResponse().getContentAsString();

        assertThat(declined).contains("10.00 AED").doesNotContain("1000 AED").contains("CH-O-1-1").contains("DECLINED").contains("13666");
        assertThat(held).contains("700 JPY").contains("held on " + NIGHT).contains("token tok-new-1 is NEW, not VERIFIED");
        assertThat(byReference.getRedirectedUrl()).isEqualTo("/console/orders/O-2");
        assertThat(byToken).contains("/console/orders/O-1").contains("/console/orders/O-2").doesNotContain("/console/orders/O-3");
        assertThat(mvc.perform(get("/console/orders/NOPE").with(user("v").roles("VIEWER"))).andReturn().getResponse()
                .getContentAsString()).contains("There is no order NOPE.");
    }

    @Test
    void theAuditTrailCannotBeChangedOrEmptied() {
        jdbc.update("INSERT INTO audit_log (actor, action, target, result) VALUES ('t', 'TEST', 'x', 'ok')");
        assertThatThrownBy(() -> jdbc.update("UPDATE audit_log SET result = 'changed'")).hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.update("DELETE FROM audit_log")).hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.execute("TRUNCATE audit_log")).hasMessageContaining("append-only");
        assertThat(users.list()).isEmpty();
        assertThat(ConsoleUsers.refusal("a b", "x")).contains("name");
        assertThat(ConsoleUsers.refusal("ok", "short")).contains("at least 12");
        assertThat(passwordHash("never-plain-text-1")).startsWith("{bcrypt}$2").doesNotContain("never-plain-text-1");
    }

    private String passwordHash(String password) {
        users.add("hash-check", Role.VIEWER, password);
        return jdbc.queryForObject("SELECT password_hash FROM console_users WHERE name = 'hash-check'", String.class);
    }
}
