package dev.billing.gateway;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code billing.gateway.accounts.<name>.*}: the APS accounts besides {@code default} (the single-account settings,
 * {@code billing.gateway.*}), and {@code billing.gateway.currencies}, what the default account charges (empty: any).
 * A merchant holds one per legal entity or country (a UAE company charging AED, a Saudi one charging SAR), each with its
 * own merchant identifier, access code and phrases. Unset values of an account take the default account's
 * ({@code signature-type}), or the single-account defaults ({@code max-concurrency} 32, {@code max-tps} 0). Each secret may
 * be given as a file ({@code access-code-file}, {@code request-phrase-file}, {@code response-phrase-file}).
 */
@ConfigurationProperties("billing.gateway")
public record AccountsProperties(Map<String, Account> accounts, List<String> currencies) {

    public AccountsProperties {
        accounts = accounts == null ? Map.of() : Map.copyOf(accounts);
        currencies = currencies == null ? List.of() : List.copyOf(currencies);
    }

    /** One account's settings, as given. */
    public record Account(URI url, URI pageUrl, URI reportingUrl, String merchantIdentifier, String accessCode, String accessCodeFile,
                          String requestPhrase, String requestPhraseFile, String responsePhrase, String responsePhraseFile,
                          String signatureType, Integer maxConcurrency, Integer maxTps, List<String> currencies) {

        public Account {
            currencies = currencies == null ? List.of() : List.copyOf(currencies);
        }

        @Override
        public String toString() {
            return "Account[url=" + url + ", merchantIdentifier=" + merchantIdentifier + ", currencies=" + currencies
                    + ", accessCode=(hidden), phrases=(hidden)]";
        }
    }
}
