package dev.billing.gateway;

import java.net.URI;

/**
 * A gateway that runs in this process (the built-in simulator): the client's endpoint when no
 * {@code billing.gateway.url} is set. The gateway package knows it only by this.
 */
public interface LocalGateway {

    /** The server-to-server endpoint, {@code .../FortAPI/paymentApi}. */
    URI url();

    /** Its Reporting API, {@code .../FortAPI/reportingApi}. */
    URI reportingUrl();

    /** The browser endpoint of hosted pages ({@code TOKENIZATION}), {@code .../FortAPI/paymentPage}. */
    URI pageUrl();
}
