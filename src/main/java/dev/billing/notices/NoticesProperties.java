package dev.billing.notices;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code billing.notices.*}: the customers' card-update notices.
 *
 * @param enabled      whether notices are taken from the events at all (default true)
 * @param minInterval  at most one notice per customer in this time (default 1 day)
 * @param from         the notices' sender address (default {@code billing@localhost})
 * @param merchantName the name the texts sign with (default {@code Your merchant})
 * @param templatesDir a directory whose {@code notice_en.html}, {@code notice_en.txt}, {@code notice_ar.html},
 *                     {@code notice_ar.txt} replace the built-in templates (each one that is there)
 * @param linkBase     the engine's address in the links (default {@code billing.enrolment.public-url}, else
 *                     {@code http://localhost:<server.port>})
 * @param returnTo     where the enrolment page sends the customer afterwards (default the engine's own
 *                     {@code /notices/card-updated} page)
 * @param linkValidFor how long a card-update link stays valid (default 7 days)
 * @param retryWaits   the waits after a mail server that could not be reached, the last repeated (default 1m,10m,1h,6h)
 * @param giveUpAfter  a notice not sent this long after it was taken is given up, for a person (default 3 days)
 */
@ConfigurationProperties("billing.notices")
public record NoticesProperties(Boolean enabled, Duration minInterval, String from, String merchantName, Path templatesDir,
                                URI linkBase, URI returnTo, Duration linkValidFor, List<Duration> retryWaits, Duration giveUpAfter) {

    public NoticesProperties {
        enabled = enabled == null || enabled;
        minInterval = minInterval == null ? Duration.ofDays(1) : minInterval;
        from = from == null || from.isBlank() ? "billing@localhost" : from.strip();
        merchantName = merchantName == null || merchantName.isBlank() ? "Your merchant" : merchantName.strip();
        linkValidFor = linkValidFor == null ? Duration.ofDays(7) : linkValidFor;
        retryWaits = retryWaits == null || retryWaits.isEmpty()
                ? List.of(Duration.ofMinutes(1), Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofHours(6)) : List.copyOf(retryWaits);
        giveUpAfter = giveUpAfter == null ? Duration.ofDays(3) : giveUpAfter;
        if (minInterval.isNegative()) {
            throw new IllegalArgumentException("billing.notices.min-interval must not be negative");
        }
    }

    /** The wait after the {@code attempts}-th failed attempt. */
    Duration waitAfter(int attempts) {
        return retryWaits.get(Math.min(Math.max(attempts, 1), retryWaits.size()) - 1);
    }
}
