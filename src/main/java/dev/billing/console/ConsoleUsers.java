package dev.billing.console;

import java.sql.Timestamp;
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
 * The console's users ({@code console_users}): names, password hashes, roles, and the sign-in lock (five failures in a
 * row lock a user for a minute). No user exists until one is added; there is no default password.
 */
@Component
public class ConsoleUsers implements UserDetailsService {

    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    public static final int MIN_PASSWORD = 12;
    static final int FAILURES_BEFORE_LOCK = 5;

    /** One user as {@code users list} shows it. */
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
        return jdbc.update("DELETE FROM console_users WHERE name = ?", name) == 1;
    }

    /** Sets a new password (and lifts a lock); false for an unknown user. */
    public boolean changePassword(String name, String password) {
        return jdbc.update("""
                UPDATE console_users SET password_hash = ?, failed_sign_ins = 0, locked_until = NULL, updated_at = now()
                WHERE name = ?""", encoder.encode(password), name) == 1;
    }

    public List<Person> list() {
        return jdbc.query("SELECT name, role, locked_until, created_at FROM console_users ORDER BY name",
                (rs, n) -> new Person(rs.getString(1), Role.valueOf(rs.getString(2)),
                        rs.getTimestamp(3) == null ? null : rs.getTimestamp(3).toInstant(), rs.getTimestamp(4).toInstant()));
    }

    public boolean any() {
        return Boolean.TRUE.equals(jdbc.queryForObject("SELECT EXISTS (SELECT 1 FROM console_users)", Boolean.class));
    }

    @Override
    public UserDetails loadUserByUsername(String name) {
        List<UserDetails> found = jdbc.query("SELECT name, password_hash, role, locked_until FROM console_users WHERE name = ?",
                (rs, n) -> {
                    Timestamp locked = rs.getTimestamp(4);
                    return User.withUsername(rs.getString(1)).password(rs.getString(2))
                            .authorities(new SimpleGrantedAuthority("ROLE_" + rs.getString(3)))
                            .accountLocked(locked != null && locked.toInstant().isAfter(Instant.now()))
                            .build();
                }, name);
        if (found.isEmpty()) {
            throw new UsernameNotFoundException("no such user");
        }
        return found.get(0);
    }

    /** Counts a failed sign-in; the fifth in a row locks the user for a minute. True when this one locked it. */
    boolean failed(String name) {
        List<Integer> counts = jdbc.queryForList("""
                UPDATE console_users SET failed_sign_ins = failed_sign_ins + 1, updated_at = now()
                WHERE name = ? RETURNING failed_sign_ins""", Integer.class, name);
        if (!counts.isEmpty() && counts.get(0) >= FAILURES_BEFORE_LOCK) {
            jdbc.update("""
                    UPDATE console_users SET failed_sign_ins = 0, locked_until = now() + interval '1 minute', updated_at = now()
                    WHERE name = ?""", name);
            return true;
        }
        return false;
    }

    void succeeded(String name) {
        jdbc.update("UPDATE console_users SET failed_sign_ins = 0, locked_until = NULL WHERE name = ? AND failed_sign_ins > 0", name);
    }
}
