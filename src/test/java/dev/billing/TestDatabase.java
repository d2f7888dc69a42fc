package dev.billing;

import java.util.TimeZone;
import org.springframework.jdbc.core.JdbcTemplate;

/** Helpers for tests that use the embedded database. */
public final class TestDatabase {

    static {
        TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
    }

    private TestDatabase() {
    }

    /** Empties the engine's tables and the job repository. */
    public static void reset(JdbcTemplate jdbc) {
        jdbc.execute("""
                TRUNCATE running_jobs, charge_holds, payment_attempts, orders, tokens, import_rejects, import_keys, ledger_exceptions,
                         batch_step_execution_context, batch_job_execution_context, batch_step_execution,
                         batch_job_execution_params, batch_job_execution, batch_job_instance""");
    }
}
