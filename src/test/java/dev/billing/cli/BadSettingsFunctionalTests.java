package dev.billing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A bad setting stops the engine at start with one line naming the property and what it accepts; exit code 2. */
@Tag("database")
class BadSettingsFunctionalTests {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--billing.retry.schedule=banana|error: billing.retry.schedule 'banana' must be waits between attempts in days or weeks, like 1d,3d,7d",
        "--billing.gateway.max-concurrency=-4|error: billing.gateway.max-concurrency must be at least 1, not -4",
        "--billing.verification.amount.XYZ=1.00|error: billing.verification.amount.XYZ: 'XYZ' is not an ISO 4217 currency code",
        "--billing.verification.amount.AED=-1|error: billing.verification.amount.AED '-1' is not an amount of AED",
        "--billing.chunk-size=0|error: billing.chunk-size must be at least 1, not 0",
        "--billing.retry.max-per-card-30d=10|error: billing.retry.max-per-card-30d is no longer read",
        "--billing.gateway.max-tps=abc|error: the setting billing.gateway.max-tps=abc is not valid"
    })
    void aBadSettingIsOneLineAndTheEngineDoesNotStart(String setting, String expected) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Cli(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("spring.profiles.active", "test"))
                .execute("jobs", "list", setting);

        String output = err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(output).isEqualTo(2);
        assertThat(output.lines().toList()).as(output).hasSize(1).first().asString().startsWith(expected)
                .endsWith("; the engine did not start");
    }
}
