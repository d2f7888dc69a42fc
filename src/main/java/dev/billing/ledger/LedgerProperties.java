package dev.billing.ledger;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The settings of the runs that move money ({@code billing.chunk-size}, {@code billing.resolve.*},
 * {@code billing.retry.*}, {@code billing.charge.*}), each default written here once. A bad value stops the engine at
 * start with one line naming the property and what it accepts.
 *
 * @param chunkSize results committed per chunk
 */
@ConfigurationProperties("billing")
public record LedgerProperties(@DefaultValue("100") int chunkSize, @DefaultValue Resolve resolve, @DefaultValue Retry retry,
                               @DefaultValue Charge charge) {

    public LedgerProperties {
        Settings.atLeast("billing.chunk-size", chunkSize, 1);
    }

    /**
     * How an outcome that is not known is settled.
     *
     * @param tries   status checks per open row and run
     * @param backoff the wait before the second check, doubled for each one after
     */
    public record Resolve(@DefaultValue("3") int tries, @DefaultValue("200ms") Duration backoff) {
        public Resolve {
            Settings.atLeast("billing.resolve.tries", tries, 1);
            Settings.notNegative("billing.resolve.backoff", backoff);
        }
    }

    /**
     * Soft declines and the card networks' limit.
     *
     * @param schedule              waits between attempts after a soft decline ({@code 1d,3d,7d})
     * @param maxDeclinesPerCard30d declined attempts on one token in the 30 days up to the business date, at most
     * @param maxPerCard30d         the old setting, which counted successful charges too: refused, named with its replacement
     */
    public record Retry(@DefaultValue("1d,3d,7d") String schedule, @DefaultValue("15") int maxDeclinesPerCard30d,
                        Integer maxPerCard30d) {
        public Retry {
            RetrySchedule.parse(schedule);
            Settings.atLeast("billing.retry.max-declines-per-card-30d", maxDeclinesPerCard30d, 1);
            if (maxPerCard30d != null) {
                throw new IllegalArgumentException("billing.retry.max-per-card-30d is no longer read: it counted successful"
                        + " charges too; set billing.retry.max-declines-per-card-30d (declines only, default 15) instead");
            }
        }

        public RetrySchedule retrySchedule() {
            return RetrySchedule.parse(schedule);
        }
    }

    /**
     * How charging reads due orders.
     *
     * @param pageSize due orders read per page
     */
    public record Charge(@DefaultValue("500") int pageSize) {
        public Charge {
            Settings.atLeast("billing.charge.page-size", pageSize, 1);
        }
    }
}
