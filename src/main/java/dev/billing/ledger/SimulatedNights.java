package dev.billing.ledger;

import dev.billing.gateway.GatewayProperties;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Which business dates had movements sent to the built-in simulator ({@code payment_attempts.gateway}): such a night is
 * SIMULATED wherever it is shown (the command's summary line, the reports, the console), since no money moved.
 */
@Component
public class SimulatedNights {

    private final JdbcClient jdbc;

    public SimulatedNights(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** How many movements of {@code date} went to the simulator. */
    public long movements(LocalDate date) {
        return jdbc.sql("SELECT count(*) FROM payment_attempts WHERE business_date = :date AND gateway = :simulator")
                .param("date", Date.valueOf(date)).param("simulator", GatewayProperties.SIMULATOR).query(Long.class).single();
    }

    public boolean on(LocalDate date) {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM payment_attempts WHERE business_date = :date AND gateway = :simulator)")
                .param("date", Date.valueOf(date)).param("simulator", GatewayProperties.SIMULATOR).query(Boolean.class).single();
    }

    /** The dates from {@code since} on with movements sent to the simulator. */
    public Set<LocalDate> since(LocalDate since) {
        return new TreeSet<>(jdbc.sql("""
                SELECT DISTINCT business_date FROM payment_attempts WHERE business_date >= :since AND gateway = :simulator""")
                .param("since", Date.valueOf(since)).param("simulator", GatewayProperties.SIMULATOR)
                .query((rs, n) -> rs.getDate(1).toLocalDate()).list());
    }
}
