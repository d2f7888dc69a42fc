package dev.billing.console;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code billing.web.*}: how long {@code serve} waits for a request's body.
 *
 * @param bodyTimeout from the request's headers to the last byte of its body; a body that takes longer is refused
 *                    ({@code 408}) and its connection closed
 */
@ConfigurationProperties("billing.web")
public record WebProperties(@DefaultValue("10s") Duration bodyTimeout) {

    public WebProperties {
        if (bodyTimeout.isNegative() || bodyTimeout.isZero()) {
            throw new IllegalArgumentException("billing.web.body-timeout must be a positive duration like 10s");
        }
    }
}
