package dev.billing.simulator;

import java.util.List;
import java.util.Locale;

/**
 * Outcomes a newcomer can script through the token name: a charge on a token whose name contains one of these
 * words gets that answer (the README has this table). Any other token is charged successfully.
 */
public final class SimulatorScripts {

    /** What the simulator answers, and what it records as the order's final state. */
    public record Script(String word, String status, String message, String acquirerCode, String recordedCode, String meaning) {
    }

    public static final List<Script> SCRIPTS = List.of(
            new Script("insufficient-funds", "13", "666", "51", null, "soft decline: insufficient funds (acquirer 51)"),
            new Script("do-not-honor", "13", "666", "05", null, "soft decline: do not honour (acquirer 05)"),
            new Script("expired-card", "13", "012", null, null, "hard decline: card expired"),
            new Script("lost-card", "13", "666", "41", null, "hard decline: lost card (acquirer 41)"),
            new Script("no-such-token", "00", "044", null, null, "hard decline: token name does not exist"),
            new Script("on-hold", "15", "777", null, "14000", "uncertain (15777); CHECK_STATUS then shows it succeeded"),
            new Script("pending", "19", "784", null, "19784", "pending (19784), and CHECK_STATUS keeps saying so"));

    private SimulatorScripts() {
    }

    public static Script forToken(String tokenName) {
        String name = tokenName.toLowerCase(Locale.ROOT);
        for (Script script : SCRIPTS) {
            if (name.contains(script.word())) {
                return script;
            }
        }
        return null;
    }
}
