package dev.billing.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.money.CurrencyUnit;
import dev.billing.money.Money;
import dev.billing.simulator.ApsSimulator;
import dev.billing.simulator.SimulatorProperties;
import dev.billing.simulator.SimulatorStore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;

/** The client against the simulator over real HTTP on loopback, with and without faults. */
@EngineTest
class GatewayFunctionalTests {

    static final GatewayProperties CREDENTIALS = Fixtures.TEST_MERCHANT;
    static final Money AED_100 = Money.parse("100.00", CurrencyUnit.require("AED"));

    @Autowired
    DataSource dataSource;

    private final List<ApsSimulator> simulators = new ArrayList<>();
    private Fixtures fixtures;

    @BeforeEach
    void clearSimulator() {
        fixtures = new Fixtures(new org.springframework.jdbc.core.JdbcTemplate(dataSource));
        fixtures.clearSimulator();
    }

    @AfterEach
    void stopSimulators() {
        simulators.forEach(ApsSimulator::close);
    }

    private ApsSimulator simulator(SimulatorProperties faults) throws IOException {
        return simulator(CREDENTIALS, faults);
    }

    private ApsSimulator simulator(GatewayProperties credentials, SimulatorProperties faults) throws IOException {
        ApsSimulator simulator = new ApsSimulator(new SimulatorStore(dataSource, false), credentials, faults, 0);
        simulators.add(simulator);
        return simulator;
    }

    private static ApsClient client(ApsSimulator simulator) {
        return client(simulator, CREDENTIALS);
    }

    private static ApsClient client(ApsSimulator simulator, GatewayProperties credentials) {
        return new ApsClient(with(credentials, simulator));
    }

    private static GatewayProperties with(GatewayProperties p, ApsSimulator simulator) {
        return new GatewayProperties(simulator.url(), p.accessCode(), p.merchantIdentifier(), p.requestPhrase(), p.responsePhrase(),
                p.signatureType(), p.language(), p.timeout(), p.connectTimeout(), p.maxConcurrency(), p.maxTps(), null, null);
    }

    private static SimulatorProperties fault(String name) {
        return new SimulatorProperties(Duration.ZERO, name.equals("lost") ? 1 : 0, name.equals("500") ? 1 : 0,
                name.equals("technical") ? 1 : 0, name.equals("slow") ? 1 : 0, Duration.ofSeconds(2),
                name.equals("signature") ? 1 : 0, false, 1, null, null, null);
    }

    @Test
    void aPurchaseSucceedsAndCheckStatusReportsIt() throws IOException {
        ApsClient client = client(simulator(SimulatorProperties.none()));

        GatewayReply reply = client.purchase("CH-ORD-1-1", AED_100, "tok-good", "jane@example.com", "Order ORD-1", "AGR-TEST-1");

        assertThat(reply.outcome()).isEqualTo(OutcomeClass.SUCCESS);
        assertThat(reply.responseCode()).isEqualTo("14000");
        assertThat(reply.fortId()).isNotBlank();
        assertThat(reply.authorizationCode()).isNotBlank();
        StatusCheck status = client.checkStatus("CH-ORD-1-1", ApsCommand.PURCHASE);
        assertThat(status.found()).isTrue();
        assertThat(status.transactionCode()).isEqualTo("14000");
        assertThat(status.transactionOutcome()).isEqualTo(OutcomeClass.SUCCESS);
        assertThat(status.capturedAmount()).isEqualTo(10000);
        assertThat(client.checkStatus("NEVER-SENT", ApsCommand.PURCHASE)).satisfies(s -> {
            assertThat(s.answered()).isTrue();
            assertThat(s.found()).isFalse();
        });
    }

    @ParameterizedTest(name = "{0} -> {1}, then CHECK_STATUS says {2}")
    @CsvSource({
        "tok-insufficient-funds-1,SOFT_DECLINE,SOFT_DECLINE",
        "tok-do-not-honor-1,SOFT_DECLINE,SOFT_DECLINE",
        "tok-expired-card-1,HARD_DECLINE,HARD_DECLINE",
        "tok-lost-card-1,HARD_DECLINE,HARD_DECLINE",
        "tok-no-such-token-1,HARD_DECLINE,HARD_DECLINE",
        "tok-on-hold-1,UNKNOWN,SUCCESS",
        "tok-pending-1,UNKNOWN,UNKNOWN"
    })
    void scriptedOutcomes(String token, OutcomeClass reply, OutcomeClass afterwards) throws IOException {
        ApsClient client = client(simulator(SimulatorProperties.none()));

        assertThat(client.purchase("CH-S-1", AED_100, token, "jane@example.com", null, "AGR-TEST-1").outcome()).isEqualTo(reply);
        assertThat(client.checkStatus("CH-S-1", ApsCommand.PURCHASE).transactionOutcome()).isEqualTo(afterwards);
    }

    @Test
    void aReusedReferenceIsADuplicateAndNeverChargedAgain() throws IOException {
        ApsClient client = client(simulator(SimulatorProperties.none()));
        client.purchase("CH-DUP-1", AED_100, "tok-good", "jane@example.com", null, "AGR-TEST-1");

        GatewayReply again = client.purchase("CH-DUP-1", AED_100, "tok-good", "jane@example.com", null, "AGR-TEST-1");

        assertThat(again.outcome()).isEqualTo(OutcomeClass.DUPLICATE_REFERENCE);
        assertThat(fixtures.simulatorOrders("MerchX01")).hasSize(1);
    }

    @Test
    void afterALostReplyTheSameReferenceIsADuplicateAndCheckStatusShowsTheOriginalSuccess() throws IOException {
        ApsSimulator lossy = simulator(fault("lost"));

        GatewayReply lost = client(lossy).purchase("CH-LOST-1", AED_100, "tok-good", "jane@example.com", null, "AGR-TEST-1");

        assertThat(lost.outcome()).isEqualTo(OutcomeClass.UNKNOWN);
        assertThat(lost.problem()).startsWith("connection failed");
        ApsClient healthy = client(simulator(SimulatorProperties.none()));
        assertThat(healthy.purchase("CH-LOST-1", AED_100, "tok-good", "jane@example.com", null, "AGR-TEST-1").outcome())
                .isEqualTo(OutcomeClass.DUPLICATE_REFERENCE);
        StatusCheck status = healthy.checkStatus("CH-LOST-1", ApsCommand.PURCHASE);
        assertThat(status.transactionOutcome()).isEqualTo(OutcomeClass.SUCCESS);
        assertThat(status.capturedAmount()).isEqualTo(10000);
        assertThat(fixtures.simulatorOrders("MerchX01")).singleElement().satisfies(o -> assertThat(o.capturedAmount()).isEqualTo(10000));
    }

    @ParameterizedTest(name = "fault {0}: {1}; recorded at the gateway: {2}")
    @CsvSource({
        "500,HTTP 500,false",
        "technical,,false",
        "slow,no reply within,true",
        "signature,reply signature does not verify,true",
        "lost,connection failed,true"
    })
    void everyFaultIsAnUnknownOutcome(String fault, String problem, boolean recorded) throws IOException {
        GatewayProperties shortTimeout = new GatewayProperties(null, CREDENTIALS.accessCode(), CREDENTIALS.merchantIdentifier(),
                CREDENTIALS.requestPhrase(), CREDENTIALS.responsePhrase(), "SHA-256", "en", Duration.ofMillis(500),
                Duration.ofSeconds(2), 32, 0, null, null);
        ApsClient client = client(simulator(fault(fault)), shortTimeout);

        GatewayReply reply = client.purchase("CH-F-1", AED_100, "tok-good", "jane@example.com", null, "AGR-TEST-1");

        assertThat(reply.outcome()).isEqualTo(OutcomeClass.UNKNOWN);
        if (problem == null) {
            assertThat(reply.responseCode()).isEqualTo("00006");
        } else {
            assertThat(reply.problem()).startsWith(problem);
        }
        StatusCheck status = client.checkStatus("CH-F-1", ApsCommand.PURCHASE);
        assertThat(status.answered()).isTrue();
        assertThat(status.found()).isEqualTo(recorded);
    }

    @Test
    void wrongCredentialsAreConfigErrors() throws IOException {
        ApsSimulator simulator = simulator(SimulatorProperties.none());
        GatewayProperties wrongAccess = new GatewayProperties(null, "WrongAccess", "MerchX01", "reqPhrase$2025", "respPhrase#2025",
                "SHA-256", "en", null, null, null, null, null, null);
        GatewayProperties wrongPhrase = new GatewayProperties(null, "TestAccess0123456789", "MerchX01", "wrong", "respPhrase#2025",
                "SHA-256", "en", null, null, null, null, null, null);
        GatewayProperties wrongMerchant = new GatewayProperties(null, "TestAccess0123456789", "Other", "reqPhrase$2025",
                "respPhrase#2025", "SHA-256", "en", null, null, null, null, null, null);

        assertThat(client(simulator, wrongAccess).purchase("CH-C-1", AED_100, "tok", "a@example.com", null, "AGR-TEST-1"))
                .satisfies(r -> assertThat(r.responseCode()).isEqualTo("00010"))
                .satisfies(r -> assertThat(r.outcome()).isEqualTo(OutcomeClass.CONFIG_ERROR));
        assertThat(client(simulator, wrongPhrase).purchase("CH-C-1", AED_100, "tok", "a@example.com", null, "AGR-TEST-1").responseCode()).isEqualTo("00008");
        assertThat(client(simulator, wrongMerchant).purchase("CH-C-1", AED_100, "tok", "a@example.com", null, "AGR-TEST-1").responseCode()).isEqualTo("00009");
        assertThat(fixtures.simulatorOrders("MerchX01")).isEmpty();
    }

    @Test
    void aReplySignedWithAnotherPhraseIsNeverTrusted() throws IOException {
        ApsSimulator simulator = simulator(SimulatorProperties.none());
        GatewayProperties wrongResponsePhrase = new GatewayProperties(null, "TestAccess0123456789", "MerchX01", "reqPhrase$2025",
                "not-the-response-phrase", "SHA-256", "en", null, null, null, null, null, null);

        GatewayReply reply = client(simulator, wrongResponsePhrase).purchase("CH-V-1", AED_100, "tok", "a@example.com", null, "AGR-TEST-1");

        assertThat(reply.outcome()).isEqualTo(OutcomeClass.UNKNOWN);
        assertThat(reply.problem()).isEqualTo("reply signature does not verify");
    }

    @ParameterizedTest
    @EnumSource(SignatureType.class)
    void everySignatureTypeWorksEndToEnd(SignatureType type) throws IOException {
        GatewayProperties credentials = new GatewayProperties(null, "TestAccess0123456789", "MerchX01", "reqPhrase$2025",
                "respPhrase#2025", type.label(), "ar", null, null, null, null, null, null);
        ApsClient client = client(simulator(credentials, SimulatorProperties.none()), credentials);

        GatewayReply reply = client.purchase("CH-T-1", AED_100, "tok", "a@example.com", null, "AGR-TEST-1");

        assertThat(reply.outcome()).isEqualTo(OutcomeClass.SUCCESS);
        assertThat(reply.responseMessage()).isEqualTo("عملية ناجحة");
    }

    @Test
    void refundsNeverExceedWhatWasCapturedAndAreNeverDoubled() throws IOException {
        ApsClient client = client(simulator(SimulatorProperties.none()));
        client.purchase("VER-1", AED_100, "tok", "a@example.com", null, "AGR-TEST-1");

        assertThat(client.refund("VER-1", "VER-1-R1", AED_100).outcome()).isEqualTo(OutcomeClass.SUCCESS);
        assertThat(client.refund("VER-1", "VER-1-R1", AED_100).outcome()).isEqualTo(OutcomeClass.DUPLICATE_REFERENCE);
        GatewayReply over = client.refund("VER-1", "VER-1-R2", Money.parse("0.01", CurrencyUnit.require("AED")));
        assertThat(over.responseCode()).isEqualTo("07048");
        assertThat(client.checkStatus("VER-1", ApsCommand.PURCHASE)).satisfies(s -> {
            assertThat(s.refundedAmount()).isEqualTo(10000);
            assertThat(s.transactionCode()).isEqualTo("06000");
        });
    }

    @Test
    void aRefundRefusedForItsAmountOrCurrencyKeepsNoClaimOnItsReference() throws IOException {
        ApsClient client = client(simulator(SimulatorProperties.none()));
        client.purchase("VER-2", AED_100, "tok", "a@example.com", null, "AGR-TEST-1");

        assertThat(client.refund("VER-2", "VER-2-R1", Money.parse("100.01", CurrencyUnit.require("AED"))).responseCode()).isEqualTo("07048");
        assertThat(client.refund("VER-2", "VER-2-R1", Money.parse("1.000", CurrencyUnit.require("KWD"))).responseCode()).isEqualTo("00013");
        assertThat(client.refund("NO-SUCH-ORDER", "VER-2-R9", AED_100).responseCode()).isEqualTo("00036");
        // the reference refused twice was not used up: the same one, for what is left, refunds
        assertThat(client.refund("VER-2", "VER-2-R1", Money.parse("40", CurrencyUnit.require("AED"))).outcome()).isEqualTo(OutcomeClass.SUCCESS);
        assertThat(client.refund("VER-2", "VER-2-R1", Money.parse("40", CurrencyUnit.require("AED"))).outcome())
                .isEqualTo(OutcomeClass.DUPLICATE_REFERENCE);
        assertThat(client.checkStatus("VER-2", ApsCommand.PURCHASE).refundedAmount()).isEqualTo(4000);
    }

    @Test
    void anAuthorizationIsVoidedOnce() throws IOException {
        ApsClient client = client(simulator(SimulatorProperties.none()));

        assertThat(client.authorize("AUTH-1", AED_100, "tok", "a@example.com", null, "MOTO").responseCode()).isEqualTo("02000");
        assertThat(client.voidAuthorization("AUTH-1").outcome()).isEqualTo(OutcomeClass.SUCCESS);
        assertThat(client.voidAuthorization("AUTH-1").responseCode()).isEqualTo("09047");
        assertThat(client.checkStatus("AUTH-1", ApsCommand.AUTHORIZATION).transactionCode()).isEqualTo("08000");
    }

    @Test
    void aReferenceThatBreaksApsRulesIsNeverSent() throws IOException {
        ApsSimulator simulator = simulator(SimulatorProperties.none());
        ApsClient client = client(simulator);

        assertThatThrownBy(() -> client.purchase("X".repeat(41), AED_100, "tok", "a@example.com", null, "AGR-TEST-1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.purchase("has space", AED_100, "tok", "a@example.com", null, "AGR-TEST-1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(simulator.requestCount()).isZero();
    }

    @Test
    void neverMoreCallsInFlightThanAllowed() throws Exception {
        ApsSimulator simulator = simulator(SimulatorProperties.none().withLatency(Duration.ofMillis(100)));
        GatewayProperties four = new GatewayProperties(null, CREDENTIALS.accessCode(), CREDENTIALS.merchantIdentifier(),
                CREDENTIALS.requestPhrase(), CREDENTIALS.responsePhrase(), "SHA-256", "en", null, null, 4, 0, null, null);
        ApsClient client = client(simulator, four);
        ExecutorService callers = Executors.newFixedThreadPool(16);
        try {
            List<Future<GatewayReply>> replies = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                String reference = "CH-C-" + i;
                replies.add(callers.submit(() -> client.purchase(reference, AED_100, "tok", "a@example.com", null, "AGR-TEST-1")));
            }
            for (Future<GatewayReply> reply : replies) {
                assertThat(reply.get().outcome()).isEqualTo(OutcomeClass.SUCCESS);
            }
        } finally {
            callers.shutdownNow();
        }
        assertThat(simulator.maxInFlight()).isEqualTo(4);
    }

    @Test
    void neverMoreCallsPerSecondThanAllowed() throws Exception {
        ApsSimulator simulator = simulator(SimulatorProperties.none());
        GatewayProperties tenPerSecond = new GatewayProperties(null, CREDENTIALS.accessCode(), CREDENTIALS.merchantIdentifier(),
                CREDENTIALS.requestPhrase(), CREDENTIALS.responsePhrase(), "SHA-256", "en", null, null, 32, 10, null, null);
        ApsClient client = client(simulator, tenPerSecond);
        ExecutorService callers = Executors.newFixedThreadPool(8);
        long start = System.nanoTime();
        try {
            List<Future<GatewayReply>> replies = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                String reference = "CH-R-" + i;
                replies.add(callers.submit(() -> client.purchase(reference, AED_100, "tok", "a@example.com", null, "AGR-TEST-1")));
            }
            for (Future<GatewayReply> reply : replies) {
                assertThat(reply.get().outcome()).isEqualTo(OutcomeClass.SUCCESS);
            }
        } finally {
            callers.shutdownNow();
        }
        // 10 in the first second, 10 in the second, the last 5 in the third: never less than two seconds.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
    }
}
