package dev.billing.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SimulatorScriptsTest {

    @Test
    void theFirstMatchingWordScriptsTheToken() {
        assertThat(SimulatorScripts.forToken("tok-insufficient-funds-01").acquirerCode()).isEqualTo("51");
        assertThat(SimulatorScripts.forToken("TOK-EXPIRED-CARD").message()).isEqualTo("012");
        assertThat(SimulatorScripts.forToken("tok-0001")).isNull();
    }

    @Test
    void theReadmeDocumentsEveryScript() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        for (SimulatorScripts.Script script : SimulatorScripts.SCRIPTS) {
            assertThat(readme).contains("| `" + script.word() + "` |");
        }
    }

    @Test
    void theSampleDataUsesTheScripts() throws IOException {
        String tokens = Files.readString(Path.of("sample-data/tokens.csv"));
        assertThat(tokens).contains("tok-insufficient-funds-").contains("tok-expired-card-").contains("tok-no-such-token-")
                .contains("tok-on-hold-");
    }
}
