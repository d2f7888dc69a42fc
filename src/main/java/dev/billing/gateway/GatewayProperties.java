package dev.billing.gateway;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

/**
 * {@code billing.gateway.*}. The gateway is APS at {@code url}; with no {@code url}, only {@code simulator=true} (which
 * {@code demo} and the benchmarks set) chooses the built-in simulator, started in-process with its own credentials
 * where none are set. Neither: every command that may call the gateway refuses to start ({@link #requireChosen}), so
 * that an install that lost one setting never "charges" a night no bank saw. The phrases and the access code are
 * never logged: {@link #toString()} leaves them out.
 */
@ConfigurationProperties("billing.gateway")
public record GatewayProperties(
        URI url,
        String accessCode,
        String merchantIdentifier,
        String requestPhrase,
        String responsePhrase,
        String signatureType,
        String language,
        Duration timeout,
        Duration connectTimeout,
        Integer maxConcurrency,
        Integer maxTps,
        Integer unreachableAfter,
        AgreementPolicy agreementId,
        Boolean simulator) {

    public static final String SIMULATOR_ACCESS_CODE = "SimAccessCode0000001";
    public static final String SIMULATOR_MERCHANT = "SIMMERCHANT";
    public static final String SIMULATOR_REQUEST_PHRASE = "sim-request-phrase";
    public static final String SIMULATOR_RESPONSE_PHRASE = "sim-response-phrase";
    /** The gateway a ledger row names when it went to the built-in simulator. */
    public static final String SIMULATOR = "simulator";

    @ConstructorBinding
    public GatewayProperties {
        signatureType = signatureType == null || signatureType.isBlank() ? "SHA-256" : signatureType;
        language = language == null || language.isBlank() ? "en" : language;
        timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
        maxConcurrency = maxConcurrency == null ? 32 : maxConcurrency;
        maxTps = maxTps == null ? 0 : maxTps;
        unreachableAfter = unreachableAfter == null ? 20 : unreachableAfter;
        agreementId = agreementId == null ? AgreementPolicy.REQUIRED : agreementId;
        simulator = Boolean.TRUE.equals(simulator);
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("billing.gateway.max-concurrency must be at least 1, not " + maxConcurrency);
        }
        if (maxTps < 0) {
            throw new IllegalArgumentException("billing.gateway.max-tps must be 0 (no limit) or more, not " + maxTps);
        }
        if (unreachableAfter < 0) {
            throw new IllegalArgumentException("billing.gateway.unreachable-after must be 0 (never stop) or more, not " + unreachableAfter);
        }
        if (timeout.isNegative() || timeout.isZero() || connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("billing.gateway.timeout and connect-timeout must be positive durations like 30s");
        }
        SignatureType.parse(signatureType);
    }

    /** Settings of a real gateway at {@code url} (with no url: of a simulator the caller starts itself). */
    public GatewayProperties(URI url, String accessCode, String merchantIdentifier, String requestPhrase, String responsePhrase,
                             String signatureType, String language, Duration timeout, Duration connectTimeout, Integer maxConcurrency,
                             Integer maxTps, Integer unreachableAfter, AgreementPolicy agreementId) {
        this(url, accessCode, merchantIdentifier, requestPhrase, responsePhrase, signatureType, language, timeout, connectTimeout,
                maxConcurrency, maxTps, unreachableAfter, agreementId, null);
    }

    /** These settings with other limits (benchmarks and tests). */
    public GatewayProperties withLimits(int concurrency, int tps) {
        return new GatewayProperties(url, accessCode, merchantIdentifier, requestPhrase, responsePhrase, signatureType, language,
                timeout, connectTimeout, concurrency, tps, unreachableAfter, agreementId, simulator);
    }

    /** These settings pointed at a simulator on {@code url}, with the simulator's credentials where none are set. */
    public GatewayProperties forSimulator(URI simulatorUrl) {
        return new GatewayProperties(simulatorUrl, orElse(accessCode, SIMULATOR_ACCESS_CODE),
                orElse(merchantIdentifier, SIMULATOR_MERCHANT), orElse(requestPhrase, SIMULATOR_REQUEST_PHRASE),
                orElse(responsePhrase, SIMULATOR_RESPONSE_PHRASE), signatureType, language, timeout, connectTimeout,
                maxConcurrency, maxTps, unreachableAfter, agreementId, true);
    }

    /** True when the built-in simulator is the gateway (no {@code url}, and it was chosen). */
    public boolean simulated() {
        return url == null && simulator;
    }

    /**
     * Refuses settings that name no gateway: no {@code url}, and the simulator not chosen. Called by every command that
     * may call the gateway before it does anything.
     */
    public void requireChosen() {
        if (url == null && !simulator) {
            throw new GatewayNotChosenException();
        }
    }

    /**
     * The gateway every ledger row names: {@value #SIMULATOR} for the built-in simulator, else the host (and port, when
     * not the default) of {@code url}.
     */
    public String target() {
        requireChosen();
        if (url == null) {
            return SIMULATOR;
        }
        String host = url.getHost() == null ? String.valueOf(url.getAuthority()) : url.getHost();
        return url.getPort() < 0 ? host : host + ":" + url.getPort();
    }

    /**
     * The credentials the engine's calls are made with, and its notifications checked with: these, or where no
     * {@code billing.gateway.url} is set, the built-in simulator's defaults for what is not set.
     */
    public GatewayProperties effective() {
        return url == null ? forSimulator(null) : this;
    }

    public SignatureType signature() {
        return SignatureType.parse(signatureType);
    }

    /** Checks that a real gateway can be called with these settings; the message names what is missing. */
    public void requireComplete() {
        String incomplete = incomplete("billing.gateway.");
        if (incomplete != null) {
            throw new IllegalStateException(incomplete);
        }
        signature();
    }

    /**
     * Why a real gateway cannot be called with these settings, given under {@code prefix} ({@code billing.gateway.}, or an
     * account's): the credentials that are missing, named; null when none is.
     */
    public String incomplete(String prefix) {
        java.util.List<String> missing = missing(prefix);
        return missing.isEmpty() ? null : prefix + "url is set but these settings are missing: " + String.join(" ", missing)
                + " (take them from the APS back office, Security Settings)";
    }

    /** The credential settings under {@code prefix} that are not set, in the order the settings tables list them. */
    public java.util.List<String> missing(String prefix) {
        java.util.List<String> missing = new java.util.ArrayList<>();
        String[][] credentials = {{"access-code", accessCode}, {"merchant-identifier", merchantIdentifier}, {"request-phrase", requestPhrase},
            {"response-phrase", responsePhrase}};
        for (String[] credential : credentials) {
            if (isBlank(credential[1])) {
                missing.add(prefix + credential[0]);
            }
        }
        return missing;
    }

    private static String orElse(String value, String fallback) {
        return isBlank(value) ? fallback : value;
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    @Override
    public String toString() {
        return "GatewayProperties[url=" + url + ", merchantIdentifier=" + merchantIdentifier + ", signatureType=" + signatureType
                + ", language=" + language + ", timeout=" + timeout + ", maxConcurrency=" + maxConcurrency + ", maxTps=" + maxTps + ", unreachableAfter=" + unreachableAfter
                + ", simulator=" + simulator + ", accessCode=(hidden), phrases=(hidden)]";
    }
}
