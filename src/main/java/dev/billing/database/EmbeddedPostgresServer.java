package dev.billing.database;

import dev.billing.support.EngineThreads;
import dev.billing.support.Throwables;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL that the engine uses when no {@code spring.datasource.url} is configured.
 *
 * <p><b>Its own user's alone, and durable.</b> Its files live in {@code <data-dir>/pgdata} (mode 0700). It listens
 * on loopback only, its Unix socket is open to its owner only, and every connection needs the password of the
 * {@code postgres} role (scram-sha-256), a random secret generated at the first start and kept in
 * {@code <data-dir>/db.secret} with owner-only permissions. It runs with {@code fsync} and {@code synchronous_commit}
 * on: a committed ledger row survives a power cut. (zonky's defaults, {@code initdb -A trust} and {@code -F}, are
 * for throwaway test databases; the options here come after them and win.) A data directory made by an earlier
 * version with trust authentication is given a password and scram on its next start.
 *
 * <p><b>Shared, and stopped by its last user.</b> Several engine processes may use one data directory at once. Each
 * holds a shared lock on a region of {@code <data-dir>/engine.lock} while it uses the server: a reference count kept
 * by the operating system, so a process killed with {@code kill -9} is counted out at once. Starting and leaving are
 * serialized by an exclusive lock on another region. A process that leaves stops the server only when it can then
 * take the users' region exclusively, that is when no other process uses it; otherwise the server lives on for them.
 * A server left running by a process that died is adopted by the next one.
 */
public final class EmbeddedPostgresServer {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    private static final Map<Path, EmbeddedPostgresServer> RUNNING = new ConcurrentHashMap<>();
    private static final String USER = "postgres";
    /** Region 0: held exclusively while a process starts, joins or leaves the server. */
    private static final long STARTUP_REGION = 0;
    /** Region 1: held shared by every process that uses the server. */
    private static final long USERS_REGION = 1;

    private final Path dataDir;
    private final int port;
    private final String password;
    private final FileChannel lockChannel;
    private FileLock usersLock;
    private boolean left;

    private EmbeddedPostgresServer(Path dataDir, int port, String password, FileChannel lockChannel, FileLock usersLock) {
        this.dataDir = dataDir;
        this.port = port;
        this.password = password;
        this.lockChannel = lockChannel;
        this.usersLock = usersLock;
    }

    /**
     * The server for this data directory: the one this JVM already uses, or one it starts, adopts or joins.
     * One per data directory per JVM; this JVM leaves it when it exits.
     */
    public static EmbeddedPostgresServer startOrJoin(Path dataDir, Duration startupWait) {
        return startOrJoin(dataDir, startupWait, Map.of());
    }

    /**
     * As {@link #startOrJoin(Path, Duration)}, with server settings ({@code shared_buffers}, {@code max_wal_size}) for a
     * server this JVM starts (one already running keeps its own).
     */
    public static EmbeddedPostgresServer startOrJoin(Path dataDir, Duration startupWait, Map<String, String> serverSettings) {
        Path key = dataDir.toAbsolutePath().normalize();
        return RUNNING.computeIfAbsent(key, dir -> open(dir, startupWait, serverSettings));
    }

    /** Leaves the server this JVM uses for that data directory, stopping it if no other process uses it. */
    public static void stopIfRunning(Path dataDir) {
        EmbeddedPostgresServer server = RUNNING.remove(dataDir.toAbsolutePath().normalize());
        if (server != null) {
            server.leave();
        }
    }

    /** The JDBC URL; the password is not in it (see {@link #password()}). */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?reWriteBatchedInserts=true";
    }

    public String username() {
        return USER;
    }

    public String password() {
        return password;
    }

    public int port() {
        return port;
    }

    private static EmbeddedPostgresServer open(Path dataDir, Duration startupWait, Map<String, String> serverSettings) {
        Path pgData = dataDir.resolve("pgdata");
        FileChannel channel = null;
        try {
            createPrivateDirectory(dataDir);
            channel = FileChannel.open(dataDir.resolve("engine.lock"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock startup = channel.lock(STARTUP_REGION, 1, false);
            try {
                FileLock users = channel.tryLock(USERS_REGION, 1, true);
                if (users == null) {
                    throw new IllegalStateException("cannot take a shared lock on " + dataDir.resolve("engine.lock"));
                }
                String password = secret(dataDir);
                int port = running(pgData).orElseGet(() -> start(pgData, password, startupWait, serverSettings));
                secureIfTrusting(pgData, port, password);
                EmbeddedPostgresServer server = new EmbeddedPostgresServer(dataDir, port, password, channel, users);
                EngineThreads.atJvmExit("embedded-postgres-leave", server::leave);
                return server;
            } finally {
                startup.release();
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw new EmbeddedDatabaseException("could not start the embedded PostgreSQL in " + pgData + ": "
                    + Throwables.rootMessage(e) + ". Check that the directory is writable by this user and not used by a"
                    + " PostgreSQL of another version, or set spring.datasource.url to an external PostgreSQL", e);
        }
    }

    /** The port of a server already running on these files (started by another process, or left by one that died). */
    private static Optional<Integer> running(Path pgData) {
        Optional<Postmaster> found = Postmaster.read(pgData).filter(Postmaster::isAlive);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Postmaster postmaster = found.get();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && postmaster.isAlive()) {
            Optional<Postmaster> now = Postmaster.read(pgData);
            if (now.isPresent() && now.get().ready() && accepts(now.get().port())) {
                log.info("Using the embedded PostgreSQL (pid {}) on port {}", postmaster.pid(), now.get().port());
                return Optional.of(now.get().port());
            }
            sleep(100);
        }
        log.warn("The embedded PostgreSQL (pid {}) does not answer; stopping it and starting it again", postmaster.pid());
        stopPostmaster(postmaster.pid());
        return Optional.empty();
    }

    private static int start(Path pgData, String password, Duration startupWait, Map<String, String> serverSettings) {
        try {
            Files.createDirectories(pgData);
            Path pwfile = pgData.resolveSibling("initdb.pw");
            boolean fresh = !Files.exists(pgData.resolve("postgresql.conf"));
            if (fresh) {
                writePrivate(pwfile, password);
            }
            try {
                EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
                serverSettings.forEach(builder::setServerConfig);
                EmbeddedPostgres pg = builder
                        .setDataDirectory(pgData.toFile())
                        .setCleanDataDirectory(false)
                        .setRegisterShutdownHook(false) // its last user stops it, not the process that started it
                        // initdb: these come after zonky's "-A trust" and win
                        .setLocaleConfig("auth", "scram-sha-256")
                        .setLocaleConfig("pwfile", pwfile.toString())
                        .setConnectConfig("password", password)
                        // server: these come after zonky's "-F" (fsync off) and win
                        .setServerConfig("fsync", "on")
                        .setServerConfig("synchronous_commit", "on")
                        .setServerConfig("full_page_writes", "on")
                        .setServerConfig("listen_addresses", "127.0.0.1")
                        .setServerConfig("unix_socket_permissions", "0700")
                        .setServerConfig("password_encryption", "scram-sha-256")
                        .setServerConfig("timezone", "UTC")
                        .setServerConfig("max_connections", "400")
                        .setPGStartupWait(startupWait)
                        .start();
                return pg.getPort();
            } finally {
                Files.deleteIfExists(pwfile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A data directory from before passwords: set the password, switch pg_hba.conf to scram, reload. */
    private static void secureIfTrusting(Path pgData, int port, String password) {
        Path hba = pgData.resolve("pg_hba.conf");
        try {
            List<String> lines = Files.readAllLines(hba);
            boolean trusting = lines.stream().anyMatch(l -> !l.trim().startsWith("#") && l.trim().endsWith("trust"));
            if (!trusting) {
                return;
            }
            Properties props = new Properties();
            props.setProperty("user", USER);
            props.setProperty("password", password);
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", props);
                 Statement s = c.createStatement()) {
                s.execute("SET password_encryption = 'scram-sha-256'");
                s.execute("ALTER ROLE " + USER + " PASSWORD '" + password + "'"); // base64url: no quote can occur
                List<String> secured = lines.stream()
                        .map(l -> l.trim().startsWith("#") ? l : l.replaceAll("trust\\s*$", "scram-sha-256")).toList();
                Files.write(hba, secured);
                s.execute("SELECT pg_reload_conf()");
            }
            log.info("The embedded PostgreSQL now needs its password (scram-sha-256); it was open to local users before");
        } catch (IOException | SQLException e) {
            throw new EmbeddedDatabaseException("could not give the embedded PostgreSQL in " + pgData + " a password: "
                    + Throwables.rootMessage(e), e);
        }
    }

    /** The password of the {@code postgres} role: read from {@code db.secret}, generated there (mode 0600) at first. */
    private static String secret(Path dataDir) throws IOException {
        Path file = dataDir.resolve("db.secret");
        if (!Files.exists(file)) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            writePrivate(file, Base64.getUrlEncoder().withoutPadding().encodeToString(random));
        }
        String secret = Files.readString(file, StandardCharsets.US_ASCII).trim();
        if (secret.isEmpty()) {
            throw new IllegalStateException(file + " is empty; remove it only together with pgdata");
        }
        return secret;
    }

    private static void writePrivate(Path file, String content) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        Files.writeString(file, content + "\n", StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** The data directory, owner-only (the log file may have made it already, with the default permissions). */
    private static void createPrivateDirectory(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }

    /** This process stops using the server; the last one to leave stops it. */
    private synchronized void leave() {
        if (left) {
            return;
        }
        left = true;
        RUNNING.remove(dataDir, this);
        try {
            FileLock startup = lockChannel.lock(STARTUP_REGION, 1, false);
            try {
                leaveUnderStartupLock();
            } finally {
                startup.release();
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Could not leave the embedded PostgreSQL cleanly: {}", e.getMessage());
        } finally {
            closeQuietly(lockChannel);
        }
    }

    private void leaveUnderStartupLock() throws IOException {
        usersLock.release();
        usersLock = null;
        FileLock alone = lockChannel.tryLock(USERS_REGION, 1, false);
        if (alone != null) {
            try {
                Postmaster.read(dataDir.resolve("pgdata")).filter(Postmaster::isAlive).ifPresent(p -> stopPostmaster(p.pid()));
            } finally {
                alone.release();
            }
        }
    }

    /** Fast shutdown (SIGINT): open transactions are rolled back, the data files are left consistent. */
    private static void stopPostmaster(long pid) {
        ProcessHandle.of(pid).ifPresent(p -> {
            try {
                new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (p.isAlive() && System.nanoTime() < deadline) {
                sleep(50);
            }
        });
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedDatabaseException("interrupted while waiting for the embedded PostgreSQL", e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    /** The first lines of PostgreSQL's {@code postmaster.pid}: pid, data directory, start time, port, ..., status. */
    public record Postmaster(long pid, int port, boolean ready) {

        public static Optional<Postmaster> read(Path pgData) {
            Path file = pgData.resolve("postmaster.pid");
            try {
                List<String> lines = Files.readAllLines(file);
                if (lines.size() < 4) {
                    return Optional.empty();
                }
                boolean ready = lines.size() >= 8 && lines.get(7).trim().equals("ready");
                return Optional.of(new Postmaster(Long.parseLong(lines.get(0).trim()), Integer.parseInt(lines.get(3).trim()), ready));
            } catch (IOException | NumberFormatException e) {
                return Optional.empty();
            }
        }

        public boolean isAlive() {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }
}
