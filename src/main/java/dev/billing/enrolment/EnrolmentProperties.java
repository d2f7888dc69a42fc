package dev.billing.enrolment;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code billing.enrolment.*}.
 *
 * @param secret    the key of the links' HMAC-SHA256, shared with the merchant's site; without it enrolment is off
 * @param publicUrl the engine's address as customers' browsers reach it (behind a proxy: its https URL); unset: the
 *                  address the request came to
 * @param validFor  how long a link made by {@code enrol-link} stays valid, by default
 * @param account   the gateway account whose hosted page takes a new customer's card (default {@code default}); a card
 *                  update goes to the page of the replaced card's account, so the new token is charged where the old was
 */
@ConfigurationProperties("billing.enrolment")
public record EnrolmentProperties(String secret, URI publicUrl, Duration validFor, String account) {

    public EnrolmentProperties(String secret, URI publicUrl, Duration validFor) {
        this(secret, publicUrl, validFor, null);
    }

    @org.springframework.boot.context.properties.bind.ConstructorBinding
    public EnrolmentProperties {
        account = account == null || account.isBlank() ? dev.billing.gateway.GatewayAccounts.DEFAULT : account.trim();
        secret = secret == null || secret.isBlank() ? null : secret;
        validFor = validFor == null ? Duration.ofHours(1) : validFor;
        if (secret != null && secret.length() < 16) {
            throw new IllegalArgumentException("billing.enrolment.secret must be at least 16 characters");
        }
    }

    public boolean enabled() {
        return secret != null;
    }
}
