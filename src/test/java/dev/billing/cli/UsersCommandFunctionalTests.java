package dev.billing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineProcess;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code users} as an operator runs it, each command in a JVM of its own on one data directory. */
@Tag("process")
class UsersCommandFunctionalTests {

    @TempDir
    Path dir;

    private record Run(int exit, String output) {
    }

    private Run users(String name, String stdin, String... args) throws Exception {
        Path log = Path.of("target/engine-logs/users-" + name + ".log");
        String[] all = new String[args.length + 2];
        all[0] = "users";
        System.arraycopy(args, 0, all, 1, args.length);
        all[all.length - 1] = "--billing.data-dir=" + dir.resolve("data");
        Process p = EngineProcess.start(log, all);
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write((stdin + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return new Run(p.exitValue(), EngineProcess.output(log));
    }

    @Test
    void addListChangeAndRemoveAUser() throws Exception {
        Run none = users("list-empty", null, "list");
        assertThat(none.output()).contains("no users; add one with: users add NAME --role OPERATOR");

        Run added = users("add", "a-long-enough-password", "add", "olga", "--role", "operator", "--password-stdin");
        assertThat(added.exit()).as(added.output()).isZero();
        assertThat(added.output()).contains("added olga (OPERATOR)").doesNotContain("a-long-enough-password");

        assertThat(users("add-again", "a-long-enough-password", "add", "olga", "--role", "VIEWER", "--password-stdin"))
                .satisfies(r -> assertThat(r.exit()).isEqualTo(2))
                .satisfies(r -> assertThat(r.output()).contains("error: a user named olga exists already"));
        assertThat(users("short", "short", "add", "ivan", "--role", "VIEWER", "--password-stdin"))
                .satisfies(r -> assertThat(r.exit()).isEqualTo(2))
                .satisfies(r -> assertThat(r.output()).contains("error: the password must be at least 12 characters"));
        assertThat(users("bad-role", "a-long-enough-password", "add", "ivan", "--role", "ADMIN", "--password-stdin"))
                .satisfies(r -> assertThat(r.exit()).isEqualTo(2))
                .satisfies(r -> assertThat(r.output()).contains("error: --role must be VIEWER, FINANCE or OPERATOR"));
        assertThat(users("list", null, "list").output()).containsPattern("olga\\s+OPERATOR");
        assertThat(users("passwd", "another-long-password", "passwd", "olga", "--password-stdin").output())
                .contains("password of olga changed");
        assertThat(users("remove", null, "remove", "olga").output()).contains("removed olga");
        assertThat(users("remove-again", null, "remove", "olga"))
                .satisfies(r -> assertThat(r.exit()).isEqualTo(2))
                .satisfies(r -> assertThat(r.output()).contains("error: there is no user named olga"));
    }
}
