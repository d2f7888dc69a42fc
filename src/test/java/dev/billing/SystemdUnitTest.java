package dev.billing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.support.SecretFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code ops/systemd/billing-engine.service}: a dedicated user, the hardening the issue asks, the data directory the only
 * place it writes, and no secret on its command line: each secret a {@code -file} setting read from a credential
 * systemd loads.
 */
class SystemdUnitTest {

    private static Map<String, List<String>> service() throws Exception {
        String text = Files.readString(Path.of("ops/systemd/billing-engine.service")).replace("\\\n", " ");
        Map<String, List<String>> keys = new LinkedHashMap<>();
        String section = "";
        for (String line : text.split("\n", -1)) {
            line = line.strip();
            if (line.startsWith("[")) {
                section = line;
            } else if (section.equals("[Service]") && !line.isEmpty() && !line.startsWith("#")) {
                int eq = line.indexOf('=');
                keys.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>()).add(line.substring(eq + 1).strip());
            }
        }
        return keys;
    }

    @Test
    void aDedicatedUserHardenedWritingOnlyItsDataAndRestartedOnFailure() throws Exception {
        Map<String, List<String>> service = service();
        assertThat(service.get("User")).containsExactly("billing");
        assertThat(service.get("NoNewPrivileges")).containsExactly("yes");
        assertThat(service.get("ProtectSystem")).containsExactly("strict");
        assertThat(service.get("ReadWritePaths")).containsExactly("/var/lib/billing-engine");
        assertThat(service.get("Restart")).containsExactly("on-failure");
        assertThat(service.get("KillSignal")).containsExactly("SIGTERM");
        String exec = service.get("ExecStart").get(0);
        assertThat(exec).contains(" serve ").contains("--billing.data-dir=/var/lib/billing-engine/data")
                .contains("--billing.reports.dir=/var/lib/billing-engine/reports");
    }

    @Test
    void noSecretIsOnItsCommandLineEachComesFromACredential() throws Exception {
        Map<String, List<String>> service = service();
        List<String> args = Arrays.stream(service.get("ExecStart").get(0).split("\\s+")).filter(a -> a.startsWith("--")).toList();
        assertThat(SecretFiles.onCommandLine(args)).isEmpty();
        List<String> credentials = service.get("LoadCredential").stream().map(c -> c.substring(0, c.indexOf(':'))).toList();
        List<String> fromFiles = new ArrayList<>();
        for (String arg : args) {
            int file = arg.indexOf("-file=%d/");
            if (file > 0) {
                String setting = arg.substring(2, file);
                assertThat(SecretFiles.isSecret(setting)).as(setting).isTrue();
                assertThat(credentials).as(arg).contains(arg.substring(file + "-file=%d/".length()));
                fromFiles.add(setting);
            }
        }
        assertThat(fromFiles).containsExactly("billing.gateway.access-code", "billing.gateway.request-phrase",
                "billing.gateway.response-phrase", "billing.enrolment.secret");
    }
}
