package dev.billing.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.support.InvalidInputException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The merchant's accounts from the settings: the single-account settings are {@code default}; each other is checked. */
class GatewayAccountsTest {

    static final GatewayProperties UAE = new GatewayProperties(URI.create("https://paymentservices.payfort.com/FortAPI/paymentApi"),
            "UaeAccess0000000001", "UAEMERCH", "uae-request", "uae-response", "SHA-256", "en", Duration.ofSeconds(30),
            Duration.ofSeconds(10), 16, 0, 20, AgreementPolicy.REQUIRED);

    @TempDir
    Path dir;

    private static AccountsProperties.Account account(URI url, String merchant, String accessCode, List<String> currencies) {
        return new AccountsProperties.Account(url, null, null, merchant, accessCode, null, "ksa-request", null, "ksa-response", null, null,
                null, null, currencies);
    }

    private static GatewayAccounts accounts(GatewayProperties gateway, Map<String, AccountsProperties.Account> named, List<String> currencies) {
        return new GatewayAccounts(gateway, new AccountsProperties(named, currencies), new GatewayPageProperties(null),
                new GatewayReports.Settings(null, null));
    }

    @Test
    void theSingleAccountSettingsAreTheDefaultAccountAndTheOnlyOne() {
        GatewayAccounts accounts = accounts(UAE, Map.of(), List.of());

        assertThat(accounts.names()).containsExactly("default");
        assertThat(accounts.several()).isFalse();
        assertThat(accounts.effective("default")).isSameAs(UAE);
        assertThat(accounts.target("default")).isEqualTo("paymentservices.payfort.com");
        assertThat(accounts.refusal("default", "KWD")).isNull();
        assertThat(accounts.byMerchantIdentifier("UAEMERCH")).isEqualTo("default");
    }

    @Test
    void eachAccountHasItsOwnCredentialsCurrenciesAndBudgetAndTakesTheDefaultsOtherwise() {
        GatewayAccounts accounts = accounts(UAE, Map.of("ksa", account(URI.create("https://paymentservices.payfort.com/FortAPI/paymentApi"),
                "KSAMERCH", "KsaAccess0000000001", List.of("sar", " SAR"))), List.of("AED"));

        assertThat(accounts.names()).containsExactly("default", "ksa");
        assertThat(accounts.several()).isTrue();
        GatewayProperties ksa = accounts.effective("ksa");
        assertThat(ksa.merchantIdentifier()).isEqualTo("KSAMERCH");
        assertThat(ksa.accessCode()).isEqualTo("KsaAccess0000000001");
        assertThat(ksa.maxConcurrency()).as("an account's own budget: the single-account default").isEqualTo(32);
        assertThat(ksa.timeout()).isEqualTo(UAE.timeout());
        assertThat(accounts.account("ksa").currencies()).containsExactly("SAR");
        assertThat(accounts.refusal("ksa", "AED")).isEqualTo("account 'ksa' does not charge AED (it charges SAR)");
        assertThat(accounts.refusal("default", "SAR")).isEqualTo("account 'default' does not charge SAR (it charges AED)");
        assertThat(accounts.refusal("ksa", "SAR")).isNull();
        assertThat(accounts.refusal("kw", null)).isEqualTo("account 'kw' is not configured (known: default, ksa)");
        assertThat(accounts.byMerchantIdentifier("KSAMERCH")).isEqualTo("ksa");
        assertThat(accounts.byMerchantIdentifier("SOMEONE")).isNull();
        assertThatThrownBy(() -> accounts.account("kw")).isInstanceOf(InvalidInputException.class)
                .hasMessage("no gateway account 'kw' is configured (billing.gateway.accounts.kw.*)");
    }

    @Test
    void anAccountWithNoGatewayIsRefusedBeforeAnyCall() {
        GatewayAccounts accounts = accounts(UAE, Map.of("ksa", account(null, "KSAMERCH", "KsaAccess0000000001", List.of())), List.of());

        assertThatThrownBy(accounts::requireChosen).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("billing.gateway.accounts.ksa.url is not set: set it");
        accounts(UAE, Map.of(), List.of()).requireChosen();
    }

    @Test
    void aSimulatedAccountGetsCredentialsOfItsOwn() {
        GatewayProperties simulated = new GatewayProperties(null, null, null, null, null, null, null, null, null, null, null, null, null, true);
        GatewayAccounts accounts = accounts(simulated, Map.of("ksa", account(null, null, null, List.of())), List.of());

        assertThat(accounts.effective("default").merchantIdentifier()).isEqualTo(GatewayProperties.SIMULATOR_MERCHANT);
        assertThat(accounts.effective("ksa").merchantIdentifier()).isEqualTo(GatewayProperties.SIMULATOR_MERCHANT + "KSA");
        assertThat(accounts.effective("ksa").responsePhrase()).isNotEqualTo(accounts.effective("default").responsePhrase());
        assertThat(accounts.target("ksa")).isEqualTo(GatewayProperties.SIMULATOR);
        assertThat(accounts.byMerchantIdentifier(GatewayProperties.SIMULATOR_MERCHANT + "KSA")).isEqualTo("ksa");
    }

    @Test
    void anAccountMayTokenizeWithAnIdentifierOfItsOwnAndChargeWithAnother() {
        URI url = URI.create("https://paymentservices.payfort.com/FortAPI/paymentApi");
        AccountsProperties.Tokenization ecommerce = new AccountsProperties.Tokenization("KSAECOM", "KsaEcomAccess000001", null,
                "ecom-request", null, "ecom-response", null);
        AccountsProperties.Account ksa = new AccountsProperties.Account(url, null, null, "KSAMERCH", "KsaAccess0000000001", null,
                "ksa-request", null, "ksa-response", null, null, null, null, List.of("SAR"), ecommerce);
        GatewayAccounts accounts = accounts(UAE, Map.of("ksa", ksa), List.of());

        assertThat(accounts.pageCredentials("ksa").merchantIdentifier()).isEqualTo("KSAECOM");
        assertThat(accounts.pageCredentials("ksa").responsePhrase()).isEqualTo("ecom-response");
        assertThat(accounts.effective("ksa").merchantIdentifier()).as("charges: the recurring identifier").isEqualTo("KSAMERCH");
        assertThat(accounts.pageCredentials("default")).as("no identifier apart: its own").isSameAs(UAE);
        assertThat(accounts.byPageMerchantIdentifier("KSAECOM")).isEqualTo("ksa");
        assertThat(accounts.byPageMerchantIdentifier("KSAMERCH")).isNull();
        assertThat(accounts.byMerchantIdentifier("KSAMERCH")).isEqualTo("ksa");

        AccountsProperties.Tokenization half = new AccountsProperties.Tokenization("KSAECOM", null, null, "ecom-request", null, null, null);
        assertThatThrownBy(() -> accounts(UAE, Map.of("ksa", new AccountsProperties.Account(url, null, null, "KSAMERCH",
                "KsaAccess0000000001", null, "ksa-request", null, "ksa-response", null, null, null, null, List.of(), half)), List.of()))
                .hasMessage("billing.gateway.accounts.ksa.tokenization.merchant-identifier is set but these settings are missing:"
                        + " billing.gateway.accounts.ksa.tokenization.access-code billing.gateway.accounts.ksa.tokenization.response-phrase");
    }

    @Test
    void badAccountSettingsAreRefusedInOneLineNamingTheSetting() {
        URI url = URI.create("https://paymentservices.payfort.com/FortAPI/paymentApi");
        assertThatThrownBy(() -> accounts(UAE, Map.of("default", account(url, "X", "Y", List.of())), List.of()))
                .hasMessageContaining("billing.gateway.accounts.default: the account 'default' is the billing.gateway.* settings");
        assertThatThrownBy(() -> accounts(UAE, Map.of("KSA", account(url, "X", "Y", List.of())), List.of()))
                .hasMessageContaining("billing.gateway.accounts.KSA: an account's name is 1 to 32 lower-case letters");
        assertThatThrownBy(() -> accounts(UAE, Map.of("ksa", account(url, "KSAMERCH", null, List.of())), List.of()))
                .hasMessageContaining("billing.gateway.accounts.ksa.url is set but these settings are missing: billing.gateway.accounts.ksa.access-code");
        assertThatThrownBy(() -> accounts(UAE, Map.of("ksa", account(url, "KSAMERCH", "KsaAccess0000000001", List.of("RIYAL"))), List.of()))
                .hasMessage("billing.gateway.accounts.ksa.currencies: 'RIYAL' is not an ISO 4217 currency code the engine knows");
        assertThatThrownBy(() -> accounts(UAE, Map.of("ksa", account(url, "UAEMERCH", "KsaAccess0000000001", List.of())), List.of()))
                .hasMessageContaining("accounts 'default' and 'ksa' have the same merchant identifier");
    }

    @Test
    void anAccountsSecretsMayBeFilesOnlyTheirOwnerReads() throws Exception {
        Path phrase = Files.writeString(dir.resolve("ksa-request"), "from-a-file\n");
        Files.setPosixFilePermissions(phrase, PosixFilePermissions.fromString("rw-------"));
        URI url = URI.create("https://paymentservices.payfort.com/FortAPI/paymentApi");
        AccountsProperties.Account fromFile = new AccountsProperties.Account(url, null, null, "KSAMERCH", "KsaAccess0000000001", null, null,
                phrase.toString(), "ksa-response", null, null, null, null, List.of());

        assertThat(accounts(UAE, Map.of("ksa", fromFile), List.of()).effective("ksa").requestPhrase()).isEqualTo("from-a-file");

        Files.setPosixFilePermissions(phrase, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> accounts(UAE, Map.of("ksa", fromFile), List.of())).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("billing.gateway.accounts.ksa.request-phrase-file: ").hasMessageContaining("can be read or written by others");
    }
}
