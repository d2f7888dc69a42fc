package dev.billing.simulator;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code billing.simulator.notification-*}: the simulator posts a signed notification of each operation it carries
 * out to {@code notification-url}, as APS posts to the merchant's Direct Transaction Feedback URL; off when unset.
 * Rates are fractions from 0 to 1 of the notifications that meet the fault.
 *
 * @param notificationUrl             where to post (an engine's {@code /aps/notifications}); {@code self}: this process's own
 *                                    endpoint, when it serves one ({@code serve}); none: no notifications
 * @param notificationFormat          {@code form} (x-www-form-urlencoded, APS's default) or {@code json}
 * @param notificationLostRate        never sent
 * @param notificationDuplicateRate   sent twice
 * @param notificationBadSignatureRate signed with the wrong phrase
 * @param notificationMaxDelay        each is sent after a random delay up to this (they arrive out of order)
 * @param notificationOutOfOrderRate  of an operation with an interim status (pending, on hold) and a final one, the
 *                                    final is sent first
 * @param notificationRetries         sends of one notification while the endpoint does not answer 2xx (APS: 10)
 * @param notificationRetryDelay      between them (APS: 10 s)
 */
@ConfigurationProperties("billing.simulator")
public record SimulatorNotificationProperties(String notificationUrl, String notificationFormat, double notificationLostRate,
                                              double notificationDuplicateRate, double notificationBadSignatureRate,
                                              Duration notificationMaxDelay, double notificationOutOfOrderRate,
                                              Integer notificationRetries, Duration notificationRetryDelay) {

    /** The value of {@code notification-url} that means this process's own endpoint. */
    public static final String SELF = "self";

    public SimulatorNotificationProperties {
        notificationUrl = notificationUrl == null || notificationUrl.isBlank() ? null : notificationUrl.trim();
        if (notificationUrl != null && !notificationUrl.equals(SELF) && !notificationUrl.matches("https?://[^\\s]+")) {
            throw new IllegalArgumentException("billing.simulator.notification-url must be an http(s) URL or 'self'");
        }
        notificationFormat = notificationFormat == null ? "form" : notificationFormat;
        notificationMaxDelay = notificationMaxDelay == null ? Duration.ZERO : notificationMaxDelay;
        notificationRetries = notificationRetries == null ? 10 : notificationRetries;
        notificationRetryDelay = notificationRetryDelay == null ? Duration.ofSeconds(10) : notificationRetryDelay;
        if (!notificationFormat.equals("form") && !notificationFormat.equals("json")) {
            throw new IllegalArgumentException("billing.simulator.notification-format must be form or json");
        }
        for (double rate : new double[] {notificationLostRate, notificationDuplicateRate, notificationBadSignatureRate, notificationOutOfOrderRate}) {
            if (rate < 0 || rate > 1) {
                throw new IllegalArgumentException("billing.simulator.notification-*-rate values must be between 0 and 1");
            }
        }
        if (notificationRetries < 1) {
            throw new IllegalArgumentException("billing.simulator.notification-retries must be at least 1");
        }
    }

    public static SimulatorNotificationProperties off() {
        return new SimulatorNotificationProperties(null, null, 0, 0, 0, null, 0, null, null);
    }

    public boolean enabled() {
        return notificationUrl != null;
    }

    /** Where notifications go; only for a URL (not {@link #SELF}, which {@link #withUrl} resolves). */
    public URI uri() {
        return URI.create(notificationUrl);
    }

    /** The same settings, posting to {@code url} (null: off). */
    public SimulatorNotificationProperties withUrl(String url) {
        return new SimulatorNotificationProperties(url, notificationFormat, notificationLostRate, notificationDuplicateRate,
                notificationBadSignatureRate, notificationMaxDelay, notificationOutOfOrderRate, notificationRetries, notificationRetryDelay);
    }
}
