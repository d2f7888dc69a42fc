package dev.billing.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.env.MockEnvironment;

/** Secrets from files: read before anything binds, refused when others may read them, and named when given on the command line. */
class SecretFilesTest {

    @TempDir
    Path dir;

    private Path secret(String name, String content, String mode) throws Exception {
        Path file = Files.writeString(dir.resolve(name), content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    @Test
    void eachSecretFileBecomesItsSettingAheadOfEveryOtherSource() throws Exception {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("billing.gateway.request-phrase-file", secret("request", "  phrase-from-file\n", "rw-------").toString())
                .withProperty("billing.gateway.request-phrase", "from-a-properties-file")
                .withProperty("spring.datasource.password-file", secret("db", "db-secret", "r--------").toString());

        SecretFiles.apply(environment);

        assertThat(environment.getProperty("billing.gateway.request-phrase")).isEqualTo("phrase-from-file");
        assertThat(environment.getProperty("spring.datasource.password")).isEqualTo("db-secret");
        assertThat(environment.getProperty("billing.gateway.response-phrase")).isNull();
    }

    @Test
    void aFileOthersMayReadOrThatIsMissingOrEmptyIsRefusedInOneLine() throws Exception {
        Path open = secret("open", "s", "rw-r-----");
        assertThatThrownBy(() -> SecretFiles.apply(new MockEnvironment().withProperty("billing.enrolment.secret-file", open.toString())))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("billing.enrolment.secret-file: " + open + " can be read or written by others than its owner (rw-r-----);"
                        + " make it the owner's only (chmod 600 " + open + "); the engine did not start");
        Path writable = secret("writable", "s", "rw-----w-");
        assertThatThrownBy(() -> SecretFiles.read("x-file", writable)).hasMessageContaining("others than its owner");
        assertThatThrownBy(() -> SecretFiles.read("x-file", secret("empty", " \n", "rw-------"))).hasMessageContaining("is empty");
        assertThatThrownBy(() -> SecretFiles.read("x-file", dir.resolve("missing"))).hasMessageContaining("is not a file");
        assertThat(SecretFiles.read("x-file", secret("good", "s3cret\n", "rw-------"))).isEqualTo("s3cret");
    }

    @Test
    void aConfigTreesSecretFileIsHeldToTheSameRule() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("credentials"));
        Path phrase = Files.writeString(tree.resolve("billing.gateway.request-phrase"), "p");
        Files.setPosixFilePermissions(phrase, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(tree.resolve("billing.zone"), "Asia/Dubai"); // not a secret: its mode is not looked at
        Files.setPosixFilePermissions(tree.resolve("billing.zone"), PosixFilePermissions.fromString("rw-r--r--"));
        MockEnvironment environment = new MockEnvironment().withProperty("spring.config.import", "optional:configtree:" + tree + "/");
        SecretFiles.apply(environment);

        Files.setPosixFilePermissions(phrase, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> SecretFiles.apply(environment)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("spring.config.import (configtree, billing.gateway.request-phrase): " + phrase
                        + " can be read or written by others than its owner (rw-r--r--)");
        MockEnvironment nested = new MockEnvironment().withProperty("spring.config.import", "configtree:" + dir + "/*/");
        assertThatThrownBy(() -> SecretFiles.apply(nested)).hasMessageContaining("others than its owner");
    }

    @Test
    void theSecretsGivenOnTheCommandLineAreNamed() {
        assertThat(SecretFiles.onCommandLine(List.of("--billing.gateway.access-code=abc", "--billing.zone=Asia/Dubai",
                "--billing.events.endpoints[2].secret=whsec_x", "--billing.gateway.request-phrase-file=/run/x",
                "--spring.datasource.password=p", "--billing.gateway.access-code=def")))
                .containsExactly("billing.gateway.access-code", "billing.events.endpoints[2].secret", "spring.datasource.password");
    }
}
