package dev.billing.batch;

import java.io.PrintStream;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code billing.progress.*}: whether long steps print a progress line, and how often (the command line turns it
 * on; tests and {@code serve} leave it off).
 */
@ConfigurationProperties("billing.progress")
public record ProgressProperties(@DefaultValue("false") boolean enabled, @DefaultValue("2s") Duration interval) {

    public ProgressProperties {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("billing.progress.interval must be a positive duration like 2s");
        }
    }

    /** Where progress lines go: standard output when enabled, nowhere otherwise. */
    public PrintStream out() {
        return enabled ? System.out : null;
    }
}
