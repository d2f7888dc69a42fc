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
 * SIMULATED wherever it is shown (the command's summary line, the reports, the console), since no money moved. Read from
 * the figures the database keeps of the ledger (V25), not its rows.
 */
@Component
public class SimulatedNights {

    private final JdbcClient jdbc;

    public SimulatedNights(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** How many movements of {@code date} went to the simulator. */
    public long movements(LocalDate date) {
        return jdbc.sql("SELECT COALESCE(sum(movements), 0) FROM ledger_figures WHERE business_date = :date AND gateway = :simulator")
                .param("date", Date.valueOf(date)).param("simulator", GatewayProperties.SIMULATOR).query(Long.class).single();
    }

    public boolean on(LocalDate date) {
        return movements(date) > 0;
    }

    /** The dates from {@code since} on with movements sent to the simulator. */
    public Set<LocalDate> since(LocalDate since) {
        return new TreeSet<>(jdbc.sql("""
                SELECT business_date FROM ledger_figures WHERE business_date >= :since AND gateway = :simulator
                GROUP BY 1 HAVING sum(movements) <> 0""")
                .param("since", Date.valueOf(since)).param("simulator", GatewayProperties.SIMULATOR)
                .query((rs, n) -> rs.getDate(1).toLocalDate()).list());
    }
}
