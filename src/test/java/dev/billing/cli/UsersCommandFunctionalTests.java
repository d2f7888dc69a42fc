package dev.billing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.database.EmbeddedPostgresServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code users} as an operator runs it, each command a context of its own on one data directory, in this JVM. */
@Tag("database")
class UsersCommandFunctionalTests {

    @TempDir
    Path dir;

    @AfterEach
    void stopItsDatabase() {
        EmbeddedPostgresServer.stopIfRunning(dir.resolve("data"));
    }

    private record Run(int exit, String output) {
    }

    private Run users(String stdin, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "users";
        System.arraycopy(args, 0, all, 1, args.length);
        all[all.length - 1] = "--billing.data-dir=" + dir.resolve("data");
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8);
        byte[] piped = stdin == null ? new byte[0] : (stdin + "\n").getBytes(StandardCharsets.UTF_8);
        int exit = new Cli(print, print, Map.of("spring.profiles.active", "test"), new ByteArrayInputStream(piped)).execute(all);
        return new Run(exit, output.toString(StandardCharsets.UTF_8));
    }

    @Test
    void addListChangeAndRemoveAUser() throws Exception {
        Run none = users(null, "list");
        assertThat(none.output()).contains("no users; add one with: users add NAME --role OPERATOR");

        Run added = users("a-long-enough-password", "add", "olga", "--role", "operator", "--password-stdin");
        assertThat(added.exit()).as(added.output()).isZero();
        assertThat(added.output()).contains("added olga (OPERATOR)").doesNotContain("a-long-enough-password");

        assertThat(users("a-long-enough-password", "add", "olga", "--role", "VIEWER", "--password-stdin"))
                .satisfies(r -> assertThat(r.exit()).isEqualTo(2))
                .satisfies(r -> assertThat(r.output()).contains("error: a user named olga exists already"));
        assertThat(users("short", "add", "ivan", "--role", "VIEWER", "--password-stdin"))
                .satisfies(r -> assertThat(r.exit()).isEqualTo(2))
                .satisfies(r -> assertThat(r.output()).contains("error: the password must be at least 12 characters"));
        assertThat(users("a-long-enough-password", "add", "ivan", "--role", "ADMIN", "--password-stdin"))
                .satisfies(r -> assertThat(r.exit()).isEqualTo(2))
                .satisfies(r -> assertThat(r.output()).contains("error: --role must be VIEWER, FINANCE or OPERATOR"));
        assertThat(users(null, "list").output()).containsPattern("olga\\s+OPERATOR");
        assertThat(users("another-long-password", "passwd", "olga", "--password-stdin").output())
                .contains("password of olga changed");
        assertThat(users(null, "remove", "olga").output()).contains("removed olga");
        assertThat(users(null, "remove", "olga"))
                .satisfies(r -> assertThat(r.exit()).isEqualTo(2))
                .satisfies(r -> assertThat(r.output()).contains("error: there is no user named olga"));
    }
}
