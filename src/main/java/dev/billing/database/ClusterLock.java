package dev.billing.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * A lock for every node sharing the database, by name: a PostgreSQL session advisory lock on {@code hashtext(name)},
 * taken without waiting on a connection of its own and given back when the work is done (or, if the process dies, when
 * its connection closes). What one node does under it (resume the nights of a dead node, catch up missed nights) no
 * other node does at the same time.
 */
public final class ClusterLock {

    private ClusterLock() {
    }

    /**
     * Runs {@code work} holding the lock {@code name}; empty, without running it, when another session holds it (an
     * empty result of the work itself reads the same: give a non-null one).
     */
    public static <T> Optional<T> tryWhileHeld(DataSource dataSource, String name, Supplier<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            if (!call(connection, "pg_try_advisory_lock", name)) {
                return Optional.empty();
            }
            try {
                return Optional.ofNullable(work.get());
            } finally {
                call(connection, "pg_advisory_unlock", name);
            }
        }
    }

    private static boolean call(Connection connection, String function, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + function + "(hashtext(?))")) {
            statement.setString(1, name);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
