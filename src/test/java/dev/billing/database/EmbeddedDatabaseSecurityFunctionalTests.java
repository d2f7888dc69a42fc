package dev.billing.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.EngineTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The embedded database belongs to the engine's user alone and keeps what it commits: a password is needed (no
 * trust authentication on the socket or on loopback), the secret and the files are the owner's only, it listens on
 * loopback only, and fsync and synchronous commit are on.
 */
@EngineTest
class EmbeddedDatabaseSecurityFunctionalTests {

    @Autowired
    EmbeddedPostgresServer server;
    @Autowired
    JdbcTemplate jdbc;
    @Value("${billing.data-dir}")
    Path dataDir;

    @Test
    void connectionsNeedTheGeneratedPassword() {
        String url = "jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres";
        assertThatThrownBy(() -> DriverManager.getConnection(url + "?user=postgres").close()).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "guess").close())
                .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
        assertThat(jdbc.queryForList("SELECT DISTINCT auth_method FROM pg_hba_file_rules", String.class))
                .containsOnly("scram-sha-256");
        try (Connection c = DriverManager.getConnection(url, server.username(), server.password())) {
            assertThat(c.isValid(5)).isTrue();
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theSecretAndTheFilesAreTheOwnersOnly() throws Exception {
        Path secret = dataDir.resolve("db.secret");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-------");
        assertThat(Files.readString(secret).trim()).isEqualTo(server.password()).hasSizeGreaterThanOrEqualTo(40);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("pgdata")))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir))).isEqualTo("rwx------");
        assertThat(jdbc.queryForObject("SHOW unix_socket_permissions", String.class)).isEqualTo("0700");
        assertThat(jdbc.queryForObject("SHOW listen_addresses", String.class)).isEqualTo("127.0.0.1");
    }

    @Test
    void committedRowsAreFlushedToDisk() {
        assertThat(jdbc.queryForObject("SHOW fsync", String.class)).isEqualTo("on");
        assertThat(jdbc.queryForObject("SHOW synchronous_commit", String.class)).isEqualTo("on");
        assertThat(jdbc.queryForObject("SHOW full_page_writes", String.class)).isEqualTo("on");
    }

    @Test
    void theServerStartsWithTheMemoryAndTheLogItWasGiven() {
        DatabaseProperties settings = new DatabaseProperties(20, java.time.Duration.ofSeconds(60), "auto", "2GB");
        long expected = Long.parseLong(settings.serverSettings().get("shared_buffers").replace("MB", ""));
        assertThat(jdbc.queryForObject("SELECT setting::bigint * 8 / 1024 FROM pg_settings WHERE name = 'shared_buffers'", Long.class))
                .isEqualTo(expected);
        assertThat(jdbc.queryForObject("SHOW max_wal_size", String.class)).isEqualTo("2GB");
    }
}
