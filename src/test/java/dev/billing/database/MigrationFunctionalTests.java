package dev.billing.database;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineTest;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The migrations in sql/ build the whole schema on an empty database, and change nothing when run again. */
@EngineTest
class MigrationFunctionalTests {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EmbeddedPostgresServer server;

    @Test
    void migrationsApplyToAnEmptyDatabaseAndAgainWithoutChange() {
        jdbc.execute("DROP DATABASE IF EXISTS migration_check");
        jdbc.execute("CREATE DATABASE migration_check");
        try {
            DriverManagerDataSource empty = new DriverManagerDataSource(
                    server.jdbcUrl().replace("/postgres?", "/migration_check?"), server.username(), server.password());
            Flyway flyway = Flyway.configure().dataSource(empty).locations("classpath:sql/engine").load();

            MigrateResult first = flyway.migrate();
            String schemaAfterFirst = schema(new JdbcTemplate(empty));
            MigrateResult second = flyway.migrate();

            assertThat(first.migrationsExecuted).isEqualTo(flyway.info().applied().length).isGreaterThanOrEqualTo(3);
            assertThat(second.migrationsExecuted).isZero();
            assertThat(schema(new JdbcTemplate(empty))).isEqualTo(schemaAfterFirst);
            assertThat(schemaAfterFirst).contains("batch_job_execution.status").contains("qrtz_triggers.trigger_name")
                    .contains("payment_attempts.merchant_reference").contains("orders.amount_minor").contains("tokens.card_mask");
        } finally {
            jdbc.execute("DROP DATABASE IF EXISTS migration_check WITH (FORCE)");
        }
    }

    private static String schema(JdbcTemplate jdbc) {
        return String.join("\n", jdbc.queryForList("""
                SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable
                FROM information_schema.columns WHERE table_schema = 'public'
                UNION ALL
                SELECT tablename || ' index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
                ORDER BY 1""", String.class));
    }
}
