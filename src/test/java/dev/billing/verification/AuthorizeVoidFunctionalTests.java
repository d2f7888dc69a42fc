package dev.billing.verification;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.gateway.ApsClient;
import dev.billing.operations.JobRunner;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/** billing.verification.mode=AUTHORIZE_VOID: an authorization voided at once, with the same guarantees; nothing captured. */
@EngineTest
@TestPropertySource(properties = {"billing.verification.mode=AUTHORIZE_VOID", "billing.verification.currency=KWD",
    "billing.verification.amount.KWD=0.100"})
class AuthorizeVoidFunctionalTests {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobRunner runner;
    @Autowired
    ApsClient inProcessGateway;

    @Test
    void tokensAreVerifiedByAnAuthorizationThatIsVoided() {
        Fixtures fixtures = new Fixtures(jdbc);
        fixtures.reset();
        fixtures.token("auth-1");
        fixtures.token("auth-2");
        fixtures.token("tok-lost-card-9");

        assertThat(runner.run("verify-tokens", LocalDate.of(2026, 11, 27)).getStatus()).isEqualTo(BatchStatus.COMPLETED);

        assertThat(fixtures.tokenStatus("auth-1")).isEqualTo("VERIFIED");
        assertThat(fixtures.tokenStatus("auth-2")).isEqualTo("VERIFIED");
        assertThat(fixtures.tokenStatus("tok-lost-card-9")).isEqualTo("INVALID");
        assertThat(jdbc.queryForList("""
                SELECT command || ' ' || amount || ' ' || currency || ' ' || voided || ' ' || captured_amount FROM aps_simulator.orders
                WHERE response_code = '02000' ORDER BY merchant_reference""", String.class))
                .containsExactly("AUTHORIZATION 100 KWD true 0", "AUTHORIZATION 100 KWD true 0");
        assertThat(fixtures.takenNotGivenBack()).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM payment_attempts WHERE kind = 'VERIFICATION_VOID' AND state = 'SUCCEEDED'",
                Long.class)).isEqualTo(2);
    }
}
