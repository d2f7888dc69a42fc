package dev.billing.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.ledger.Movement;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A movement sent to the built-in simulator moved no money: the summary says so, and matching never takes it as real. */
class SimulatedMovementsTest {

    private static Movement charge(String reference, long amount, String outcome, String gateway) {
        return new Movement(LocalDate.of(2026, 11, 27), reference, "CHARGE", "O-" + reference, "C", "tok", amount, "AED", outcome, "14000",
                "Success", "169", 1, null, gateway);
    }

    @Test
    void theSummaryCountsTheSimulatedMovementsPerCurrencyWhateverTheirOutcome() {
        SummaryBuilder summary = new SummaryBuilder();
        summary.add(charge("CH-1-1", 1000, "SUCCESS", "simulator"), false, true);
        summary.add(charge("CH-2-1", 500, "DECLINED", "simulator"), false, true);
        summary.add(charge("CH-3-1", 700, "SUCCESS", "sbpaymentservices.payfort.com"), false, true);

        assertThat(summary.rows()).contains(new SummaryBuilder.Row("AED", "SIMULATED", "MOVEMENTS", 2, 1500))
                .filteredOn(r -> r.kind().equals("SIMULATED")).hasSize(1);
        SummaryBuilder real = new SummaryBuilder();
        real.add(charge("CH-3-1", 700, "SUCCESS", "sbpaymentservices.payfort.com"), false, true);
        assertThat(real.rows()).noneMatch(r -> r.kind().equals("SIMULATED"));
    }

    @Test
    void matchingClassesASimulatedMovementSimulatedEvenWhenTheGatewaysFileAgrees() {
        SettlementMatcher.GatewayRow agrees = new SettlementMatcher.GatewayRow("CH-1-1", "PURCHASE", "169", 1000L, "1000", "AED", true, "14");
        SettlementMatcher.GatewayRow real = new SettlementMatcher.GatewayRow("CH-3-1", "PURCHASE", "170", 700L, "700", "AED", true, "14");

        List<SettlementMatcher.Match> matches = SettlementMatcher.match(
                List.of(charge("CH-1-1", 1000, "SUCCESS", "simulator"), charge("CH-3-1", 700, "SUCCESS", "gateway.example")),
                List.of(agrees, real), Set.of());

        assertThat(matches).extracting(SettlementMatcher.Match::matchClass)
                .containsExactly(SettlementMatcher.MatchClass.SIMULATED, SettlementMatcher.MatchClass.MATCHED);
        assertThat(matches.get(0).detail()).contains("never matched as real money");
    }
}
