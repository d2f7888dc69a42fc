package dev.billing.database;

import dev.billing.support.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * A consistent copy of the engine's database through its own connection (the embedded PostgreSQL's binaries carry no
 * {@code pg_dump}): every table of every schema but the migration history and the nodes' passing state, in one
 * {@code REPEATABLE READ} snapshot (so a night running meanwhile is copied as it stood at one instant), each as
 * PostgreSQL's binary {@code COPY} format, with every sequence's value and the schema version in {@code manifest}.
 * Restored into a database migrated to that same version, then migrated onwards. Files and directory are the owner's
 * only. Plain JDBC: no Spring.
 */
public final class DatabaseBackup {

    /** What a backup or a restore did. */
    public record Summary(String schemaVersion, int tables, long rows, int sequences) {
    }

    /** Tables not copied besides the caller's: Flyway's histories (the restore migrates), the nodes' shares of the budget. */
    static final Set<String> SKIPPED = Set.of("public.gateway_budget_nodes");
    static final String MANIFEST = "manifest.properties";

    private DatabaseBackup() {
    }

    /** Whether {@code dir} may take a backup: missing, or an empty directory. */
    public static boolean usable(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return true;
        }
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    /** The schema version a backup in {@code dir} was taken at; refused in one line when {@code dir} holds none. */
    public static String schemaVersion(Path dir) {
        return manifest(dir).getProperty("schema.version");
    }

    /** The schemas the backup in {@code dir} holds tables of. */
    public static Set<String> schemas(Path dir) {
        Set<String> schemas = new java.util.TreeSet<>();
        for (String table : manifest(dir).getProperty("tables").split(",", -1)) {
            schemas.add(table.substring(0, table.indexOf('.')));
        }
        return schemas;
    }

    /** Writes the backup to {@code dir} (missing or empty), leaving out the tables {@code transientTables} names. */
    public static Summary backup(DataSource dataSource, Path dir, Set<String> transientTables) throws SQLException, IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Properties manifest = new Properties();
        long rows = 0;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setReadOnly(true);
            try {
                String version = single(connection, "SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL"
                        + " ORDER BY installed_rank DESC LIMIT 1");
                manifest.setProperty("schema.version", version);
                manifest.setProperty("taken.at", Instant.now().toString());
                CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
                List<String> tables = tables(connection).stream().filter(t -> !transientTables.contains(t)).toList();
                manifest.setProperty("tables", String.join(",", tables));
                for (String table : tables) {
                    Path file = dir.resolve(table + ".copy");
                    try (OutputStream out = ownerOnly(file)) {
                        long copied = copy.copyOut("COPY " + table + " TO STDOUT (FORMAT binary)", out);
                        manifest.setProperty("rows." + table, Long.toString(copied));
                        rows += copied;
                    }
                }
                Map<String, Long> sequences = sequences(connection);
                sequences.forEach((name, value) -> manifest.setProperty("sequence." + name, Long.toString(value)));
                connection.commit();
                try (Writer out = new java.io.OutputStreamWriter(ownerOnly(dir.resolve(MANIFEST)), StandardCharsets.UTF_8)) {
                    manifest.store(out, "billing-engine backup: restore with 'restore --from DIR' into an empty data directory");
                }
                return new Summary(version, tables.size(), rows, sequences.size());
            } finally {
                if (!connection.isClosed() && !connection.getAutoCommit()) {
                    connection.rollback();
                }
            }
        }
    }

    /**
     * Loads the backup in {@code dir} into a database migrated to the backup's schema version and holding nothing else
     * of value: each table emptied and loaded in one transaction, with the foreign keys and triggers of this session set
     * aside (the copy was consistent as a whole), then every sequence set to its value.
     */
    public static Summary restore(DataSource dataSource, Path dir) throws SQLException, IOException {
        Properties manifest = manifest(dir);
        List<String> tables = List.of(manifest.getProperty("tables").split(",", -1));
        long rows = 0;
        int sequences = 0;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET LOCAL session_replication_role = replica");
                statement.execute("TRUNCATE " + String.join(", ", tables));
            }
            CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
            for (String table : tables) {
                try (InputStream in = Files.newInputStream(dir.resolve(table + ".copy"))) {
                    rows += copy.copyIn("COPY " + table + " FROM STDIN (FORMAT binary)", in);
                }
            }
            try (Statement statement = connection.createStatement()) {
                for (String name : manifest.stringPropertyNames()) {
                    if (name.startsWith("sequence.")) {
                        String sequence = name.substring("sequence.".length());
                        statement.execute("SELECT setval('" + sequence.replace("'", "''") + "', " + Long.parseLong(manifest.getProperty(name))
                                + ", true)");
                        sequences++;
                    }
                }
            }
            connection.commit();
        }
        return new Summary(manifest.getProperty("schema.version"), tables.size(), rows, sequences);
    }

    private static Properties manifest(Path dir) {
        Path file = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(dir + " holds no backup (no " + MANIFEST + "); give the directory 'backup --to' wrote");
        }
        Properties manifest = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            manifest.load(in);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read " + file + ": " + e.getMessage());
        }
        if (manifest.getProperty("schema.version") == null || manifest.getProperty("tables") == null) {
            throw new InvalidInputException(file + " is not a backup's manifest (no schema.version or tables)");
        }
        return manifest;
    }

    private static OutputStream ownerOnly(Path file) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return Files.newOutputStream(file);
    }

    /** Every table of the engine's schemas, qualified and quoted as needed, in a stable order. */
    private static List<String> tables(Connection connection) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("""
                     SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables
                     WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY schemaname, tablename""")) {
            while (rs.next()) {
                if (!SKIPPED.contains(rs.getString(1)) && !rs.getString(1).endsWith(".flyway_schema_history")) {
                    tables.add(rs.getString(1));
                }
            }
        }
        return tables;
    }

    private static Map<String, Long> sequences(Connection connection) throws SQLException {
        Map<String, Long> sequences = new TreeMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("""
                     SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), last_value FROM pg_sequences
                     WHERE schemaname NOT IN ('pg_catalog', 'information_schema') AND last_value IS NOT NULL""")) {
            while (rs.next()) {
                sequences.put(rs.getString(1), rs.getLong(2));
            }
        }
        return sequences;
    }

    private static String single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            if (!rs.next()) {
                throw new IllegalStateException("the database has no schema version (was it migrated?)");
            }
            return rs.getString(1);
        }
    }
}
