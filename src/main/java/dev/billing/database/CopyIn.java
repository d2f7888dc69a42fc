package dev.billing.database;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.function.Function;
import org.postgresql.PGConnection;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Loads rows into a session's temporary staging table with PostgreSQL's {@code COPY ... FROM STDIN} (pgjdbc's
 * {@code CopyManager}), in the caller's transaction: one round trip for a whole chunk, instead of a statement per row.
 * The staging table is created on first use in each session, emptied at every commit.
 */
public final class CopyIn {

    private CopyIn() {
    }

    /**
     * Empties {@code table} (created as {@code definition} when missing) and copies {@code rows} into its {@code columns};
     * each row's values come from {@code values}, in that order, null meaning SQL NULL. Returns the number of rows copied.
     */
    public static <T> long stage(JdbcTemplate jdbc, String table, String definition, String columns, List<T> rows,
                                 Function<T, Object[]> values) {
        String text = text(rows, values);
        Long copied = jdbc.execute((ConnectionCallback<Long>) connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TEMP TABLE IF NOT EXISTS " + table + " (" + definition + ") ON COMMIT DELETE ROWS");
                statement.execute("TRUNCATE " + table);
            }
            return copy(connection, "COPY " + table + " (" + columns + ") FROM STDIN", new StringReader(text));
        });
        return copied == null ? 0 : copied;
    }

    /**
     * Copies {@code rows} straight into {@code table}'s {@code columns}, in the caller's transaction, each row's values
     * from {@code values} in that order. For rows known to be new: a row that breaks a constraint fails the whole copy.
     */
    public static <T> long into(JdbcTemplate jdbc, String table, String columns, List<T> rows, Function<T, Object[]> values) {
        String text = text(rows, values);
        Long copied = jdbc.execute((ConnectionCallback<Long>) connection ->
                copy(connection, "COPY " + table + " (" + columns + ") FROM STDIN", new StringReader(text)));
        return copied == null ? 0 : copied;
    }

    private static <T> String text(List<T> rows, Function<T, Object[]> values) {
        StringBuilder text = new StringBuilder(rows.size() * 96);
        for (T row : rows) {
            Object[] fields = values.apply(row);
            for (int i = 0; i < fields.length; i++) {
                if (i > 0) {
                    text.append('\t');
                }
                appendValue(text, fields[i]);
            }
            text.append('\n');
        }
        return text.toString();
    }

    private static long copy(Connection connection, String sql, Reader data) throws SQLException {
        try {
            return connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql, data);
        } catch (IOException e) {
            throw new DataAccessResourceFailureException("cannot copy rows into the database", e);
        }
    }

    private static boolean plain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' || c == '\t' || c == '\n' || c == '\r') {
                return false;
            }
        }
        return true;
    }

    /** PostgreSQL's text format: backslash, tab, newline and carriage return escaped; {@code \N} for NULL. */
    static void appendValue(StringBuilder text, Object value) {
        if (value == null) {
            text.append("\\N");
            return;
        }
        String s = value.toString();
        if (plain(s)) {
            text.append(s);
            return;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> text.append("\\\\");
                case '\t' -> text.append("\\t");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                default -> text.append(c);
            }
        }
    }
}
