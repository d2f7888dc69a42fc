package dev.billing.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.ledger.Movement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Property: for any night, the control rows tie out. Many random nights are generated, each with a known fate for
 * every order and verification; the summary must report those fates, and each control group must balance.
 */
class SummaryBuilderPropertyTest {

    private static final String[] CURRENCIES = {"AED", "KWD", "JPY", "SAR"};
    private static final String[] FATES = {"SUCCESS", "DECLINED", "FAILED", "UNKNOWN", "HELD"};

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597, 2584, 4181, 6765, 10946})
    void controlRowsTieOut(long seed) {
        Random random = new Random(seed);
        SummaryBuilder builder = new SummaryBuilder();
        Map<String, long[]> expectedDue = new HashMap<>();
        Map<String, long[]> expectedNet = new HashMap<>();
        Map<String, long[]> expectedOwed = new HashMap<>();
        int orders = random.nextInt(300);
        for (int i = 0; i < orders; i++) {
            String currency = CURRENCIES[random.nextInt(CURRENCIES.length)];
            long amount = 1L + random.nextInt(1_000_000);
            String fate = FATES[random.nextInt(FATES.length)];
            add(expectedDue, currency, amount);
            if (fate.equals("HELD")) {
                builder.held(new SummaryBuilder.Held(amount, currency));
            } else {
                builder.add(movement("CH-O-" + i + "-1", "CHARGE", "O-" + i, amount, currency, fate), false, true);
                if (fate.equals("SUCCESS")) {
                    add(expectedNet, currency, amount);
                } else if (random.nextInt(4) == 0) {
                    // charged again the same night (by hand): money moves, the order is still counted once, by its first
                    String again = FATES[random.nextInt(4)];
                    builder.add(movement("CH-O-" + i + "-2", "CHARGE", "O-" + i, amount, currency, again), false, false);
                    if (again.equals("SUCCESS")) {
                        add(expectedNet, currency, amount);
                    }
                }
            }
        }
        int verifications = random.nextInt(100);
        for (int i = 0; i < verifications; i++) {
            String currency = CURRENCIES[random.nextInt(CURRENCIES.length)];
            long amount = 100;
            String fate = FATES[random.nextInt(4)];
            boolean givenBack = fate.equals("SUCCESS") && random.nextBoolean();
            builder.add(movement("VC-" + i + "-1", "VERIFICATION_CHARGE", null, amount, currency, fate), givenBack, false);
            if (fate.equals("SUCCESS")) {
                add(expectedNet, currency, amount);
                if (givenBack) {
                    builder.add(movement("VC-" + i + "-1", "VERIFICATION_REFUND", null, amount, currency, "SUCCESS"), false, false);
                    add(expectedNet, currency, -amount);
                } else {
                    add(expectedOwed, currency, amount);
                }
            }
        }

        List<SummaryBuilder.Row> rows = builder.rows();
        Map<String, SummaryBuilder.Row> control = rows.stream().filter(r -> r.kind().startsWith("CONTROL_"))
                .collect(Collectors.toMap(r -> r.currency() + "/" + r.kind() + "/" + r.outcome(), r -> r));
        for (String currency : CURRENCIES) {
            SummaryBuilder.Row due = control.get(currency + "/CONTROL_ORDERS/DUE");
            long[] expected = expectedDue.getOrDefault(currency, new long[2]);
            if (expected[0] == 0) {
                assertThat(due).isNull();
            } else {
                assertThat(due.count()).isEqualTo(expected[0]);
                assertThat(due.amountMinor()).isEqualTo(expected[1]);
                long count = 0, amount = 0;
                for (String part : List.of("CHARGED", "DECLINED", "FAILED", "UNKNOWN", "HELD")) {
                    count += control.get(currency + "/CONTROL_ORDERS/" + part).count();
                    amount += control.get(currency + "/CONTROL_ORDERS/" + part).amountMinor();
                }
                assertThat(count).as(currency + " orders tie out").isEqualTo(due.count());
                assertThat(amount).isEqualTo(due.amountMinor());
            }
            SummaryBuilder.Row charged = control.get(currency + "/CONTROL_VERIFICATION/CHARGED");
            if (charged != null) {
                SummaryBuilder.Row back = control.get(currency + "/CONTROL_VERIFICATION/GIVEN_BACK");
                SummaryBuilder.Row owed = control.get(currency + "/CONTROL_VERIFICATION/OWED");
                assertThat(back.count() + owed.count()).isEqualTo(charged.count());
                assertThat(back.amountMinor() + owed.amountMinor()).isEqualTo(charged.amountMinor());
                assertThat(owed.amountMinor()).isEqualTo(expectedOwed.getOrDefault(currency, new long[2])[1]);
            }
            SummaryBuilder.Row net = control.get(currency + "/CONTROL_LEDGER/NET");
            long expectedNetAmount = expectedNet.getOrDefault(currency, new long[2])[1];
            assertThat(net == null ? 0 : net.amountMinor()).as(currency + " net").isEqualTo(expectedNetAmount);
            long successes = rows.stream().filter(r -> r.currency().equals(currency) && r.outcome().equals("SUCCESS"))
                    .mapToLong(r -> r.kind().equals("VERIFICATION_REFUND") ? -r.amountMinor() : r.amountMinor()).sum();
            assertThat(successes).as("the per-kind rows add up to the ledger's net").isEqualTo(expectedNetAmount);
        }
    }

    private static Movement movement(String reference, String kind, String orderId, long amount, String currency, String outcome) {
        return new Movement(LocalDate.of(2026, 11, 27), reference, kind, orderId, "C", "tok", amount, currency, outcome, null, null,
                null, 1, Instant.EPOCH);
    }

    private static void add(Map<String, long[]> map, String currency, long amount) {
        long[] v = map.computeIfAbsent(currency, c -> new long[2]);
        v[0]++;
        v[1] += amount;
    }

    @org.junit.jupiter.api.Test
    void aTotalBeyondALongFailsLoudlyInsteadOfWrapping() {
        SummaryBuilder totals = new SummaryBuilder();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
            for (int i = 0; i < 3; i++) {
                totals.add(new Movement(java.time.LocalDate.of(2026, 11, 27), "CH-O" + i + "-1", "CHARGE", "O" + i, "C", "tok",
                        Long.MAX_VALUE / 2, "AED", "SUCCESS", "14000", "Success", "1", 1, null), false, true);
            }
        }).isInstanceOf(ArithmeticException.class);
    }
}
