package dev.billing.gateway;

import dev.billing.money.CurrencyUnit;
import dev.billing.support.InvalidInputException;
import dev.billing.support.SecretFiles;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * The merchant's APS accounts (issue 28): {@value #DEFAULT}, the single-account settings ({@code billing.gateway.*}),
 * and each {@code billing.gateway.accounts.<name>}. Every token belongs to one; every ledger row names the account its
 * call went to, and every reply and notification is checked against that account's credentials. An account with no
 * {@code url} is served by the built-in simulator when {@code billing.gateway.simulator=true} chose it (with
 * credentials of its own, unless set), and refused otherwise. Pure settings: no call, no database.
 */
@Component
public class GatewayAccounts {

    public static final String DEFAULT = "default";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

    /** One account: its settings (url null: the simulator's), the currencies it charges (empty: any), its page and report. */
    public record Account(String name, GatewayProperties settings, Set<String> currencies, URI pageUrl, URI reportingUrl,
                          GatewayProperties tokenization) {

        public Account(String name, GatewayProperties settings, Set<String> currencies, URI pageUrl, URI reportingUrl) {
            this(name, settings, currencies, pageUrl, reportingUrl, null);
        }

        /** Why this account does not charge {@code currency}; null when it does. */
        public String refusal(String currency) {
            if (currencies.isEmpty() || currencies.contains(currency)) {
                return null;
            }
            return "account '" + name + "' does not charge " + currency + " (it charges " + String.join(", ", currencies) + ")";
        }
    }

    private final Map<String, Account> accounts;

    public GatewayAccounts(GatewayProperties gateway, AccountsProperties configured, GatewayPageProperties page,
                           GatewayReports.Settings reports) {
        Map<String, Account> all = new LinkedHashMap<>();
        all.put(DEFAULT, new Account(DEFAULT, gateway, currencies("billing.gateway.currencies", configured.currencies()),
                page.pageUrl(), reports.reportingUrl(), tokenization("billing.gateway.tokenization.", configured.tokenization(), gateway)));
        Map<String, AccountsProperties.Account> named = new TreeMap<>(configured.accounts());
        for (Map.Entry<String, AccountsProperties.Account> entry : named.entrySet()) {
            String name = entry.getKey();
            if (!NAME.matcher(name).matches()) {
                throw new InvalidInputException("billing.gateway.accounts." + name + ": an account's name is 1 to 32 lower-case letters,"
                        + " digits, '-' or '_'");
            }
            if (name.equals(DEFAULT)) {
                throw new InvalidInputException("billing.gateway.accounts.default: the account 'default' is the billing.gateway.* settings;"
                        + " give the other accounts other names");
            }
            all.put(name, account(name, entry.getValue(), gateway));
        }
        Map<String, String> merchants = new LinkedHashMap<>();
        for (Account account : all.values()) {
            String merchant = effective(account).merchantIdentifier();
            String other = merchants.putIfAbsent(merchant, account.name());
            if (other != null && account.settings().url() != null) {
                throw new InvalidInputException("billing.gateway.accounts: accounts '" + other + "' and '" + account.name()
                        + "' have the same merchant identifier; each account is one APS merchant identifier");
            }
        }
        this.accounts = Collections.unmodifiableMap(all);
    }

    private static Account account(String name, AccountsProperties.Account a, GatewayProperties gateway) {
        String prefix = "billing.gateway.accounts." + name + ".";
        String accessCode = secret(prefix + "access-code", a.accessCode(), a.accessCodeFile());
        String requestPhrase = secret(prefix + "request-phrase", a.requestPhrase(), a.requestPhraseFile());
        String responsePhrase = secret(prefix + "response-phrase", a.responsePhrase(), a.responsePhraseFile());
        GatewayProperties settings;
        try {
            settings = new GatewayProperties(a.url(), accessCode, a.merchantIdentifier(), requestPhrase, responsePhrase,
                    a.signatureType() == null ? gateway.signatureType() : a.signatureType(), gateway.language(), gateway.timeout(),
                    gateway.connectTimeout(), a.maxConcurrency(), a.maxTps(), gateway.unreachableAfter(), gateway.agreementId(),
                    gateway.simulator());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(prefix.substring(0, prefix.length() - 1) + ": " + e.getMessage().replace("billing.gateway.", ""));
        }
        String incomplete = a.url() == null ? null : settings.incomplete(prefix);
        if (incomplete != null) {
            throw new InvalidInputException(incomplete);
        }
        return new Account(name, settings, currencies(prefix + "currencies", a.currencies()), a.pageUrl(), a.reportingUrl(),
                tokenization(prefix + "tokenization.", a.tokenization(), settings));
    }

    /** The credentials of an account's tokenizing (e-commerce) identifier, when it has one apart; null otherwise. */
    private static GatewayProperties tokenization(String prefix, AccountsProperties.Tokenization t, GatewayProperties account) {
        if (t == null || t.merchantIdentifier() == null || t.merchantIdentifier().isBlank()) {
            return null;
        }
        GatewayProperties page = new GatewayProperties(account.url(), secret(prefix + "access-code", t.accessCode(), t.accessCodeFile()),
                t.merchantIdentifier(), secret(prefix + "request-phrase", t.requestPhrase(), t.requestPhraseFile()),
                secret(prefix + "response-phrase", t.responsePhrase(), t.responsePhraseFile()), account.signatureType(), account.language(),
                account.timeout(), account.connectTimeout(), account.maxConcurrency(), account.maxTps(), account.unreachableAfter(),
                account.agreementId(), account.simulator());
        java.util.List<String> missing = page.missing(prefix);
        if (!missing.isEmpty()) {
            throw new InvalidInputException(prefix + "merchant-identifier is set but these settings are missing: " + String.join(" ", missing));
        }
        return page;
    }

    private static String secret(String setting, String value, String file) {
        if (file != null && !file.isBlank()) {
            return SecretFiles.read(setting + "-file", Path.of(file.strip()));
        }
        return value;
    }

    private static Set<String> currencies(String setting, List<String> codes) {
        Set<String> set = new LinkedHashSet<>();
        for (String code : codes) {
            String c = code.trim().toUpperCase(Locale.ROOT);
            if (c.isEmpty()) {
                continue;
            }
            if (CurrencyUnit.of(c).isEmpty()) {
                throw new InvalidInputException(setting + ": '" + code.trim() + "' is not an ISO 4217 currency code the engine knows");
            }
            set.add(c);
        }
        return Collections.unmodifiableSet(set);
    }

    /**
     * Refuses settings in which an account names no gateway: the default one ({@link GatewayProperties#requireChosen}),
     * or another with no {@code url} while the built-in simulator was not chosen. Called by every command that may call
     * the gateway before it does anything.
     */
    public void requireChosen() {
        accounts.get(DEFAULT).settings().requireChosen();
        for (Account account : accounts.values()) {
            if (account.settings().url() == null && !account.settings().simulator()) {
                throw new InvalidInputException("billing.gateway.accounts." + account.name() + ".url is not set: set it (APS's paymentApi"
                        + " address) and the account's credentials, or choose the built-in simulator with --billing.gateway.simulator=true");
            }
        }
    }

    /** Every account's name, {@value #DEFAULT} first, then the others by name. */
    public List<String> names() {
        return new ArrayList<>(accounts.keySet());
    }

    /** True when more than the default account is configured. */
    public boolean several() {
        return accounts.size() > 1;
    }

    public boolean exists(String name) {
        return accounts.containsKey(name);
    }

    /** The account named {@code name}; refused (one line) when there is none. */
    public Account account(String name) {
        Account account = accounts.get(name == null ? DEFAULT : name);
        if (account == null) {
            throw new InvalidInputException("no gateway account '" + name + "' is configured (billing.gateway.accounts." + name + ".*)");
        }
        return account;
    }

    /** Why {@code name} cannot take a token or an order in {@code currency} (null currency: any); null when it can. */
    public String refusal(String name, String currency) {
        Account account = accounts.get(name);
        if (account == null) {
            return "account '" + name + "' is not configured (known: " + String.join(", ", accounts.keySet()) + ")";
        }
        return currency == null ? null : account.refusal(currency);
    }

    /**
     * The credentials the account's calls are made with and its notifications checked with: its own, or, where it has
     * no url, the built-in simulator's for this account where none are set.
     */
    public GatewayProperties effective(String name) {
        return effective(account(name));
    }

    private static GatewayProperties effective(Account account) {
        GatewayProperties settings = account.settings();
        if (settings.url() != null) {
            return settings;
        }
        if (account.name().equals(DEFAULT)) {
            return settings.effective();
        }
        String suffix = account.name().toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "");
        GatewayProperties own = new GatewayProperties(null, orElse(settings.accessCode(), GatewayProperties.SIMULATOR_ACCESS_CODE + suffix),
                orElse(settings.merchantIdentifier(), GatewayProperties.SIMULATOR_MERCHANT + suffix),
                orElse(settings.requestPhrase(), GatewayProperties.SIMULATOR_REQUEST_PHRASE + "-" + account.name()),
                orElse(settings.responsePhrase(), GatewayProperties.SIMULATOR_RESPONSE_PHRASE + "-" + account.name()),
                settings.signatureType(), settings.language(), settings.timeout(), settings.connectTimeout(), settings.maxConcurrency(),
                settings.maxTps(), settings.unreachableAfter(), settings.agreementId(), settings.simulator());
        return own;
    }

    /**
     * The credentials of account {@code name}'s hosted page: its tokenizing identifier's where it has one apart
     * ({@code tokenization.*}), else its own ({@link #effective}).
     */
    public GatewayProperties pageCredentials(String name) {
        Account account = account(name);
        return account.tokenization() != null ? account.tokenization() : effective(account);
    }

    /** The account whose hosted page answers as {@code merchantIdentifier}, or null. */
    public String byPageMerchantIdentifier(String merchantIdentifier) {
        if (merchantIdentifier == null) {
            return null;
        }
        for (Account account : accounts.values()) {
            if (merchantIdentifier.equals(pageCredentials(account.name()).merchantIdentifier())) {
                return account.name();
            }
        }
        return null;
    }

    /** The gateway a ledger row of this account names ({@link GatewayProperties#target}). */
    public String target(String name) {
        return account(name).settings().target();
    }

    /**
     * The account whose merchant identifier {@code merchantIdentifier} is, or null: a notification names its account by
     * it, and is then checked with that account's phrase alone.
     */
    public String byMerchantIdentifier(String merchantIdentifier) {
        if (merchantIdentifier == null) {
            return null;
        }
        for (Account account : accounts.values()) {
            if ((account.settings().url() != null || account.settings().simulator())
                    && merchantIdentifier.equals(effective(account).merchantIdentifier())) {
                return account.name();
            }
        }
        return null;
    }

    private static String orElse(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

    @Override
    public String toString() {
        return "GatewayAccounts" + accounts.keySet();
    }
}
