package dev.billing.gateway;

import java.net.URI;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code billing.gateway.page-url}: APS's browser endpoint for hosted pages ({@code /FortAPI/paymentPage}; the sandbox's
 * is {@code https://sbcheckout.payfort.com/FortAPI/paymentPage}). Unset with no {@code billing.gateway.url}: the
 * built-in simulator's page.
 */
@ConfigurationProperties("billing.gateway")
public record GatewayPageProperties(URI pageUrl) {
}
