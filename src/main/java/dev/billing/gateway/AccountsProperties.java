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
public record AccountsProperties(Map<String, Account> accounts, List<String> currencies, Tokenization tokenization) {

    public AccountsProperties(Map<String, Account> accounts, List<String> currencies) {
        this(accounts, currencies, null);
    }

    @org.springframework.boot.context.properties.bind.ConstructorBinding
    public AccountsProperties {
        accounts = accounts == null ? Map.of() : Map.copyOf(accounts);
        currencies = currencies == null ? List.of() : List.copyOf(currencies);
    }

    /**
     * The merchant identifier whose hosted page creates an account's tokens, where it is not the one that charges them:
     * APS gives an entity an e-commerce identifier (the page, 3-D Secure) and a recurring one (merchant-initiated
     * charges), each with its own access code and phrases; tokens made on the first are charged on the second. Unset:
     * the account's own identifier does both.
     */
    public record Tokenization(String merchantIdentifier, String accessCode, String accessCodeFile, String requestPhrase,
                               String requestPhraseFile, String responsePhrase, String responsePhraseFile) {

        @Override
        public String toString() {
            return "Tokenization[merchantIdentifier=" + merchantIdentifier + ", accessCode=(hidden), phrases=(hidden)]";
        }
    }

    /** One account's settings, as given. */
    public record Account(URI url, URI pageUrl, URI reportingUrl, String merchantIdentifier, String accessCode, String accessCodeFile,
                          String requestPhrase, String requestPhraseFile, String responsePhrase, String responsePhraseFile,
                          String signatureType, Integer maxConcurrency, Integer maxTps, List<String> currencies, Tokenization tokenization) {

        public Account(URI url, URI pageUrl, URI reportingUrl, String merchantIdentifier, String accessCode, String accessCodeFile,
                       String requestPhrase, String requestPhraseFile, String responsePhrase, String responsePhraseFile,
                       String signatureType, Integer maxConcurrency, Integer maxTps, List<String> currencies) {
            this(url, pageUrl, reportingUrl, merchantIdentifier, accessCode, accessCodeFile, requestPhrase, requestPhraseFile, responsePhrase,
                    responsePhraseFile, signatureType, maxConcurrency, maxTps, currencies, null);
        }

        @org.springframework.boot.context.properties.bind.ConstructorBinding
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
