package dev.billing.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code billing.events.*} as an operator writes it: secrets from a file, types checked at start, sane defaults. */
class EventsPropertiesTest {

    @TempDir
    Path dir;

    private static EventsProperties of(EventsProperties.Endpoint... endpoints) {
        return new EventsProperties(List.of(endpoints), null, null, null, null, null, null);
    }

    @Test
    void aSecretIsReadFromItsFileAndAMissingOneIsOneClearLine() throws Exception {
        Path file = Files.writeString(dir.resolve("hook.secret"), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n");
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        EventsProperties settings = of(new EventsProperties.Endpoint(null, URI.create("https://merchant.example/hooks"), null, null, file));

        EventsProperties.Endpoint endpoint = settings.endpoints().get(0);
        assertThat(new EventsProperties.Endpoint("m", URI.create("https://x.example/"), null, "whsec_c2VjcmV0", null).toString())
                .doesNotContain("whsec_c2VjcmV0").contains("secret=(set)");
        assertThat(settings.toString()).doesNotContain("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        assertThat(endpoint.name()).isEqualTo("endpoint-0");
        assertThat(endpoint.resolvedSecret()).isEqualTo("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        assertThat(new EventsProperties.Endpoint("m", URI.create("https://x.example/"), null, null, dir.resolve("none")))
                .satisfies(e -> assertThatThrownBy(e::resolvedSecret).hasMessage("billing.events endpoint m secret-file: " + dir.resolve("none")
                        + " is not a file; the engine did not start"));
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(endpoint::resolvedSecret).hasMessageContaining("can be read or written by others than its owner (rw-r--r--)");
        assertThat(new EventsProperties.Endpoint("m", URI.create("https://x.example/"), null, null, null))
                .satisfies(e -> assertThatThrownBy(e::resolvedSecret).hasMessageContaining("has no secret: set .secret or .secret-file"));
    }

    @Test
    void typesAreCheckedAtStartAndDefaultsAreSane() {
        EventsProperties.Endpoint charges = of(new EventsProperties.Endpoint("c", URI.create("https://m.example/"),
                "charge.succeeded, refund.failed", "s", null)).endpoints().get(0);
        assertThat(charges.takes(EventType.CHARGE_SUCCEEDED)).isTrue();
        assertThat(charges.takes(EventType.REFUND_FAILED)).isTrue();
        assertThat(charges.takes(EventType.NIGHT_FAILED)).isFalse();
        assertThatThrownBy(() -> of(new EventsProperties.Endpoint("c", URI.create("https://m.example/"), "charge.refunded", "s", null)))
                .hasMessageContaining("unknown event type charge.refunded");
        assertThatThrownBy(() -> of(new EventsProperties.Endpoint("c", URI.create("ftp://m.example/"), "*", "s", null)))
                .hasMessageContaining("billing.events.endpoints[0].url must be an http(s) URL");

        EventsProperties defaults = of();
        assertThat(defaults.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.giveUpAfter()).isEqualTo(Duration.ofDays(3));
        assertThat(defaults.waitAfter(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.waitAfter(2)).isEqualTo(Duration.ofMinutes(1));
        assertThat(defaults.waitAfter(40)).isEqualTo(Duration.ofHours(6));
    }
}
