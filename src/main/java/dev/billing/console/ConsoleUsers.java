package dev.billing.console;

import dev.billing.audit.AuditLog;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * The console's users ({@code console_users}): names, password hashes, roles; and the sign-in locks, per source address
 * ({@code sign_in_failures}): five failures in a row for one name lock that name from that address for a minute, and
 * twenty failures from one address within a minute stop every sign-in from it for a minute. A lock set from one address
 * never locks the user out from another; a locked sign-in is refused before its password is checked. No user exists
 * until one is added; there is no default password.
 */
@Component
public class ConsoleUsers implements UserDetailsService {

    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    public static final int MIN_PASSWORD = 12;
    static final int FAILURES_BEFORE_LOCK = 5;
    /** Failures from one address, whatever the names, within a minute that stop its sign-ins for a minute. */
    static final int ADDRESS_FAILURES_BEFORE_LOCK = 20;
    /** The row of an address as a whole. */
    private static final String ANY_NAME = "";

    /** One user as {@code users list} shows it; {@code lockedUntil} the latest lock of the name from any address. */
    public record Person(String name, Role role, Instant lockedUntil, Instant createdAt) {
    }

    private final JdbcTemplate jdbc;
    private final PasswordEncoder encoder;

    public ConsoleUsers(JdbcTemplate jdbc, PasswordEncoder encoder) {
        this.jdbc = jdbc;
        this.encoder = encoder;
    }

    /** Why this name and password cannot be used, or null. */
    public static String refusal(String name, String password) {
        if (name == null || !NAME.matcher(name).matches()) {
            return "the name must be 1 to 64 letters, digits, '.', '_', '@' or '-'";
        }
        if (password != null && password.length() < MIN_PASSWORD) {
            return "the password must be at least " + MIN_PASSWORD + " characters";
        }
        return null;
    }

    /** Adds a user; false when the name is taken. */
    public boolean add(String name, Role role, String password) {
        return jdbc.update("INSERT INTO console_users (name, password_hash, role) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                name, encoder.encode(password), role.name()) == 1;
    }

    public boolean remove(String name) {
        jdbc.update("DELETE FROM sign_in_failures WHERE name = ?", name);
        return jdbc.update("DELETE FROM console_users WHERE name = ?", name) == 1;
    }

    /** Sets a new password (and lifts the name's locks); false for an unknown user. */
    public boolean changePassword(String name, String password) {
        jdbc.update("DELETE FROM sign_in_failures WHERE name = ?", name);
        return jdbc.update("UPDATE console_users SET password_hash = ?, updated_at = now() WHERE name = ?", encoder.encode(password),
                name) == 1;
    }

    public List<Person> list() {
        return jdbc.query("""
                SELECT u.name, u.role, (SELECT max(f.locked_until) FROM sign_in_failures f WHERE f.name = u.name AND f.locked_until > now()),
                       u.created_at
                FROM console_users u ORDER BY u.name""",
                (rs, n) -> new Person(rs.getString(1), Role.valueOf(rs.getString(2)),
                        rs.getTimestamp(3) == null ? null : rs.getTimestamp(3).toInstant(), rs.getTimestamp(4).toInstant()));
    }

    public boolean any() {
        return Boolean.TRUE.equals(jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM console_users)", Boolean.class));
    }

    /**
     * The user, for a sign-in from the address of the web request this thread serves: locked (so refused before its
     * password is checked) while its name or the address as a whole is locked from there. A name that does not exist
     * is locked too from a locked address, so that a locked address learns nothing.
     */
    @Override
    public UserDetails loadUserByUsername(String name) {
        String source = AuditLog.currentSource();
        boolean locked = source != null && Boolean.TRUE.equals(jdbc.queryForObject("""
                SELECT EXISTS (SELECT 1 FROM sign_in_failures WHERE source = ? AND name IN (?, ?) AND locked_until > now())""",
                Boolean.class, source, name, ANY_NAME));
        List<UserDetails> found = jdbc.query("SELECT name, password_hash, role FROM console_users WHERE name = ?",
                (rs, n) -> User.withUsername(rs.getString(1)).password(rs.getString(2))
                        .authorities(new SimpleGrantedAuthority("ROLE_" + rs.getString(3)))
                        .accountLocked(locked)
                        .build(), name);
        if (found.isEmpty()) {
            if (locked) {
                return User.withUsername(name).password("{noop}").authorities(List.of()).accountLocked(true).build();
            }
            throw new UsernameNotFoundException("no such user");
        }
        return found.get(0);
    }

    /** What one failed sign-in from {@code source} came to. */
    enum Failure { COUNTED, NAME_LOCKED, ADDRESS_LOCKED }

    /**
     * Counts a failed sign-in of {@code name} from {@code source}: the fifth in a row for the name locks it from there for
     * a minute; the twentieth of the address within a minute locks the address.
     */
    Failure failed(String source, String name) {
        String from = source == null ? "unknown" : source;
        Integer address = jdbc.queryForObject("""
                INSERT INTO sign_in_failures (source, name, failures, since) VALUES (?, ?, 1, now())
                ON CONFLICT (source, name) DO UPDATE SET
                    failures = CASE WHEN sign_in_failures.since < now() - interval '1 minute' THEN 1 ELSE sign_in_failures.failures + 1 END,
                    since = CASE WHEN sign_in_failures.since < now() - interval '1 minute' THEN now() ELSE sign_in_failures.since END
                RETURNING failures""", Integer.class, from, ANY_NAME);
        if (address != null && address >= ADDRESS_FAILURES_BEFORE_LOCK) {
            jdbc.update("UPDATE sign_in_failures SET failures = 0, since = now(), locked_until = now() + interval '1 minute'"
                    + " WHERE source = ? AND name = ?", from, ANY_NAME);
            return Failure.ADDRESS_LOCKED;
        }
        Integer named = jdbc.queryForObject("""
                INSERT INTO sign_in_failures (source, name, failures, since) VALUES (?, ?, 1, now())
                ON CONFLICT (source, name) DO UPDATE SET failures = sign_in_failures.failures + 1
                RETURNING failures""", Integer.class, from, name);
        if (named != null && named >= FAILURES_BEFORE_LOCK) {
            jdbc.update("UPDATE sign_in_failures SET failures = 0, locked_until = now() + interval '1 minute' WHERE source = ? AND name = ?",
                    from, name);
            return Failure.NAME_LOCKED;
        }
        return Failure.COUNTED;
    }

    /** A sign-in of {@code name} from {@code source} succeeded: its count from there starts again. */
    void succeeded(String source, String name) {
        jdbc.update("DELETE FROM sign_in_failures WHERE source = ? AND name = ?", source == null ? "unknown" : source, name);
    }
}
