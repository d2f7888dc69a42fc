package dev.billing.database;

import dev.billing.database.EmbeddedPostgresServer.Postmaster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;

/** Asks the embedded PostgreSQL of a data directory that engine processes run, from the test's JVM. */
final class DataDirectoryQueries {

    private DataDirectoryQueries() {
    }

    /** The number {@code sql} returns, or -1 while the server is not up (or the question cannot be asked yet). */
    static long count(Path dataDir, String sql) {
        return Postmaster.read(dataDir.resolve("pgdata")).filter(Postmaster::ready).map(p -> {
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + p.port() + "/postgres", "postgres",
                    Files.readString(dataDir.resolve("db.secret")).trim());
                 ResultSet rs = c.createStatement().executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            } catch (Exception e) {
                return -1L;
            }
        }).orElse(-1L);
    }
}
