package dev.billing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineProcess;
import dev.billing.enrolment.EnrolLinks;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code enrol-link} in a JVM of its own: a link the engine's check accepts, or one line and exit 2 without a secret. */
@Tag("process")
class EnrolLinkFunctionalTests {

    private static final String SECRET = "cli-test-secret-012345";

    @Test
    void printsALinkSignedWithTheSecretThatTheEngineAccepts() throws Exception {
        Path log = EngineProcess.log("enrol-link.log");
        Process cli = EngineProcess.start(log, "enrol-link", "--customer-id", "C-9", "--email", "c9@example.com", "--return-to",
                "https://shop.example/back?x=1&y=2", "--valid-for", "30m", "--billing.enrolment.secret=" + SECRET);
        assertThat(cli.waitFor(2, TimeUnit.MINUTES)).isTrue();

        String output = EngineProcess.output(log);
        assertThat(cli.exitValue()).as(output).isZero();
        String url = output.lines().filter(l -> l.startsWith("http")).findFirst().orElseThrow();
        URI uri = URI.create(url);
        assertThat(uri.getPath()).isEqualTo("/enrol");
        Map<String, String> q = new HashMap<>();
        for (String pair : uri.getRawQuery().split("&", -1)) {
            int eq = pair.indexOf('=');
            q.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        EnrolLinks.Link link = new EnrolLinks.Link(q.get("customer_id"), q.get("email"), q.get("return_to"), Long.parseLong(q.get("expires")));
        assertThat(link.returnTo()).isEqualTo("https://shop.example/back?x=1&y=2");
        assertThat(link.expires() - Instant.now().getEpochSecond()).isBetween(1700L, 1800L);
        assertThat(EnrolLinks.refusal(SECRET, link, q.get("sig"), Instant.now())).isNull();
        assertThat(output).contains("warning: billing.enrolment.secret is given on the command line, where every local user can read it"
                + " (ps); give billing.enrolment.secret-file=PATH instead, a file only its owner can read");
        assertThat(output).doesNotContain("warning: " + SECRET);
    }

    @Test
    void theSecretComesFromAFileOnlyItsOwnerCanReadAndOneOthersCanReadIsRefused() throws Exception {
        Path file = Files.createDirectories(Path.of("target/secrets")).resolve("enrolment.secret");
        Files.writeString(file, SECRET + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        Path log = EngineProcess.log("enrol-link-secret-file.log");
        Process cli = EngineProcess.start(log, "enrol-link", "--customer-id", "C-9", "--email", "c9@example.com", "--return-to",
                "https://shop.example/", "--billing.enrolment.secret-file=" + file.toAbsolutePath());
        assertThat(cli.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String output = EngineProcess.output(log);
        assertThat(cli.exitValue()).as(output).isZero();
        assertThat(output).doesNotContain("warning:");
        URI uri = URI.create(output.lines().filter(l -> l.startsWith("http")).findFirst().orElseThrow());
        Map<String, String> q = new HashMap<>();
        for (String pair : uri.getRawQuery().split("&", -1)) {
            q.put(pair.substring(0, pair.indexOf('=')), URLDecoder.decode(pair.substring(pair.indexOf('=') + 1), StandardCharsets.UTF_8));
        }
        assertThat(EnrolLinks.refusal(SECRET, new EnrolLinks.Link("C-9", "c9@example.com", "https://shop.example/",
                Long.parseLong(q.get("expires"))), q.get("sig"), Instant.now())).as("signed with the file's secret").isNull();

        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Path refusedLog = EngineProcess.log("enrol-link-secret-file-open.log");
        Process refused = EngineProcess.start(refusedLog, "enrol-link", "--customer-id", "C-9", "--email", "c9@example.com",
                "--return-to", "https://shop.example/", "--billing.enrolment.secret-file=" + file.toAbsolutePath());
        assertThat(refused.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String refusal = EngineProcess.output(refusedLog);
        assertThat(refused.exitValue()).as(refusal).isEqualTo(2);
        assertThat(refusal.lines().filter(l -> l.startsWith("error:")).toList()).containsExactly("error: billing.enrolment.secret-file: "
                + file.toAbsolutePath() + " can be read or written by others than its owner (rw-r--r--); make it the owner's only (chmod 600 "
                + file.toAbsolutePath() + "); the engine did not start");
        assertThat(refusal).doesNotContain(SECRET).doesNotContain("\tat ");
    }

    @Test
    void withoutASecretItSaysSoInOneLine() throws Exception {
        Path log = EngineProcess.log("enrol-link-no-secret.log");
        Process cli = EngineProcess.start(log, "enrol-link", "--customer-id", "C-9", "--email", "c9@example.com", "--return-to",
                "https://shop.example/");
        assertThat(cli.waitFor(2, TimeUnit.MINUTES)).isTrue();

        String output = EngineProcess.output(log);
        assertThat(cli.exitValue()).as(output).isEqualTo(2);
        assertThat(output.lines().filter(l -> l.startsWith("error:")).toList())
                .containsExactly("error: billing.enrolment.secret is not set; set it (at least 16 characters, shared with the merchant's site)");
    }
}
