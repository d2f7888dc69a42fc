package dev.billing.enrolment;

import dev.billing.gateway.ApsSignature;
import dev.billing.gateway.GatewayAccounts;
import dev.billing.gateway.GatewayProperties;
import dev.billing.gateway.LocalGateways;
import dev.billing.gateway.ReceivedFields;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Controller;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * {@code GET /enrol}: checks the merchant's signed link, records a merchant reference, and shows the page that posts
 * APS's {@code TOKENIZATION} form to the gateway's hosted page. {@code POST /aps/return}: the browser back from that
 * page; stored only for a correctly signed success on a reference the engine issued and has not used. The card number,
 * security code and typed expiry go from the browser to the gateway; the engine sees the masked number and the expiry
 * the gateway returns.
 */
@Controller
class EnrolmentController {

    static final String RETURN_PATH = "/aps/return";
    private static final Logger log = LoggerFactory.getLogger(EnrolmentController.class);
    private static final Logger security = LoggerFactory.getLogger("dev.billing.security");
    private static final Pattern CUSTOMER = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._+-]{1,64}@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9.@_-]{1,100}");
    private static final Pattern MASK = Pattern.compile("\\d{6}\\*{2,9}\\d{4}");
    private static final Pattern EXPIRY = Pattern.compile("\\d{2}(0[1-9]|1[0-2])");

    private final EnrolmentProperties settings;
    private final Enrolments enrolments;
    private final GatewayAccounts accounts;
    private final ObjectProvider<LocalGateways> localGateways;
    private final TransactionTemplate transaction;
    private final Environment environment;
    private final CardReplacements replacements;

    EnrolmentController(EnrolmentProperties settings, Enrolments enrolments, GatewayAccounts accounts,
                        ObjectProvider<LocalGateways> localGateways,
                        PlatformTransactionManager transactionManager, Environment environment, CardReplacements replacements) {
        this.environment = environment;
        this.replacements = replacements;
        this.settings = settings;
        this.enrolments = enrolments;
        this.accounts = accounts;
        this.localGateways = localGateways;
        if (settings.enabled()) {
            accounts.account(settings.account()); // billing.enrolment.account must name an account: refused at start otherwise
        }
        this.transaction = new TransactionTemplate(transactionManager);
    }

    /**
     * The account whose hosted page takes the card of a link: for a card update, the replaced card's account (so that the
     * new token is charged where the old one was); else {@code billing.enrolment.account}.
     */
    String accountFor(String replaces) {
        return replaces != null && TOKEN.matcher(replaces).matches() ? enrolments.accountOf(replaces) : settings.account();
    }

    /** The hosted page of the link's account ({@link #accountFor}); what the page's form may be sent to. */
    URI pageUrlFor(String replaces) {
        return pageUrl(accountFor(replaces));
    }

    /**
     * Account {@code name}'s hosted page: its {@code page-url} ({@code billing.gateway.page-url} for the default account),
     * or, when the built-in simulator is its gateway, the simulator's; null when unknown.
     */
    URI pageUrl(String name) {
        GatewayAccounts.Account account = accounts.account(name);
        if (account.pageUrl() != null) {
            return account.pageUrl();
        }
        if (account.settings().url() != null) {
            return null;
        }
        return localGateways.getObject().forAccount(name, accounts.effective(name), accounts.pageCredentials(name), account.currencies())
                .pageUrl();
    }

    @GetMapping("/enrol")
    String enrol(@RequestParam(name = "customer_id", required = false) String customerId,
                 @RequestParam(name = "email", required = false) String email,
                 @RequestParam(name = "replaces", required = false) String replaces,
                 @RequestParam(name = "return_to", required = false) String returnTo,
                 @RequestParam(name = "expires", required = false) String expires,
                 @RequestParam(name = "sig", required = false) String sig,
                 HttpServletRequest request, HttpServletResponse response, Model model) {
        if (!settings.enabled()) {
            return refused(response, model, 404, "Card enrolment is not offered here.");
        }
        // a new card goes to the enrolment account's page; a card update to the replaced card's account's
        String account = accountFor(replaces);
        URI pageUrl = pageUrl(account);
        if (pageUrl == null) {
            log.error("Enrolment needs the page-url (the gateway's hosted page) of account {} when its url is set", account);
            return refused(response, model, 503, "Card enrolment is not available at the moment.");
        }
        GatewayProperties gateway = accounts.pageCredentials(account);
        if (customerId == null || email == null || returnTo == null || expires == null || !expires.matches("\\d{1,12}")) {
            return refused(response, model, 403, "This enrolment link is incomplete. Ask the merchant for a new one.");
        }
        EnrolLinks.Link link = new EnrolLinks.Link(customerId, email, replaces, returnTo, Long.parseLong(expires));
        String refusal = EnrolLinks.refusal(settings.secret(), link, sig, Instant.now());
        if (refusal == null && (!CUSTOMER.matcher(customerId).matches() || email.length() > 254 || !EMAIL.matcher(email).matches())) {
            refusal = "this link's customer or e-mail address cannot be used";
        }
        if (refusal == null && replaces != null && (!TOKEN.matcher(replaces).matches() || !enrolments.replaceable(customerId, replaces))) {
            refusal = "the card this link replaces was removed already";
        }
        if (refusal != null) {
            return refused(response, model, 403, capitalized(refusal) + ". Ask the merchant for a new link.");
        }
        String returnBase = returnBase(request);
        if (returnBase == null) {
            log.error("Enrolment needs billing.enrolment.public-url: serve listens on every address ({}), so the address"
                    + " customers' browsers come back to is not known", environment.getProperty("server.address"));
            return refused(response, model, 503, "Card enrolment is not available at the moment.");
        }
        String reference = enrolments.issue(link, request.getQueryString(), account);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("service_command", "TOKENIZATION");
        fields.put("access_code", gateway.accessCode());
        fields.put("merchant_identifier", gateway.merchantIdentifier());
        fields.put("merchant_reference", reference);
        fields.put("language", gateway.language());
        fields.put("return_url", returnBase + RETURN_PATH);
        fields.put("signature", new ApsSignature(gateway.signature()).sign(fields, gateway.requestPhrase()));
        model.addAttribute("action", pageUrl.toString());
        model.addAttribute("fields", fields);
        model.addAttribute("nonce", request.getAttribute(PageHeaders.NONCE));
        return "enrolment/enrol";
    }

    @PostMapping(RETURN_PATH)
    String returned(HttpServletRequest request, HttpServletResponse response, Model model) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (Map.Entry<String, String[]> e : request.getParameterMap().entrySet()) {
            if (e.getValue().length != 1) {
                return refused(response, model, 400, "This answer from the payment page cannot be read.");
            }
            fields.put(e.getKey(), e.getValue()[0]);
        }
        // the account whose page answered, by its merchant identifier: its phrase alone may sign the answer
        String named = accounts.byPageMerchantIdentifier(fields.get("merchant_identifier"));
        String account = named == null ? settings.account() : named;
        GatewayProperties gateway = accounts.pageCredentials(account);
        if (!new ApsSignature(gateway.signature()).verify(fields, gateway.responsePhrase())) {
            security.warn("Refused a return from the payment page from {}: its signature does not verify", request.getRemoteAddr());
            return refused(response, model, 400, "This answer from the payment page could not be verified. Nothing was saved.");
        }
        String notOurs = ReceivedFields.accountRefusal(fields, gateway);
        if (notOurs != null) {
            // signed, but re-arranged (a field swallowing the next) or another account's: never acted on
            security.warn("Refused a return from the payment page from {}: {}", request.getRemoteAddr(), notOurs);
            return refused(response, model, 400, "This answer from the payment page could not be verified. Nothing was saved.");
        }
        String code = fields.get("response_code");
        Optional<Enrolments.Enrolment> taken = transaction.execute(status -> {
            Optional<Enrolments.Enrolment> enrolment = enrolments.use(fields.getOrDefault("merchant_reference", ""), code, account);
            if (enrolment.isPresent() && "18000".equals(code)) {
                if (!store(enrolment.get(), fields)) {
                    status.setRollbackOnly();
                    return Optional.<Enrolments.Enrolment>empty();
                }
                if (enrolment.get().replaces() != null) {
                    replacements.replace(enrolment.get().customerId(), enrolment.get().replaces(), fields.get("token_name"),
                            enrolment.get().merchantReference());
                }
            }
            return enrolment;
        });
        if (taken == null || taken.isEmpty()) {
            security.warn("Refused a return from the payment page from {}: its reference was not issued, or was used already",
                    request.getRemoteAddr());
            return refused(response, model, 409, "This card was handled already, or this page is not one the merchant started. "
                    + "Nothing more was saved.");
        }
        Enrolments.Enrolment enrolment = taken.get();
        model.addAttribute("returnTo", enrolment.returnTo());
        if ("18000".equals(code)) {
            model.addAttribute("card", fields.get("card_number"));
            return "enrolment/done";
        }
        model.addAttribute("message", fields.getOrDefault("response_message", "The card was not accepted"));
        model.addAttribute("retry", enrolment.linkExpiresAt().isAfter(Instant.now()) ? "/enrol?" + enrolment.linkQuery() : null);
        return "enrolment/declined";
    }

    /** The token of a successful tokenization, if what the gateway returned is a token the engine can keep. */
    private boolean store(Enrolments.Enrolment enrolment, Map<String, String> fields) {
        String token = fields.get("token_name");
        String mask = fields.get("card_number");
        String expiry = fields.get("expiry_date");
        if (token == null || !TOKEN.matcher(token).matches() || mask == null || !MASK.matcher(mask).matches() || mask.length() > 19
                || expiry == null || !EXPIRY.matcher(expiry).matches()) {
            log.warn("A successful tokenization for {} came back without a usable token name, masked card or expiry; nothing stored",
                    enrolment.merchantReference());
            return false;
        }
        String agreement = fields.get("agreement_id") != null && fields.get("agreement_id").matches("[A-Za-z0-9._-]{1,100}")
                ? fields.get("agreement_id") : "AGR-" + enrolment.merchantReference();
        return enrolments.storeToken(enrolment, token, mask, expiry.substring(2) + "/" + expiry.substring(0, 2), agreement);
    }

    /**
     * Where the gateway sends the customer's browser back: {@code billing.enrolment.public-url}; unset, the address and
     * port this server listens on (never the request's {@code Host} header, which the visitor chooses); null when serve
     * listens on every address, so that only {@code public-url} can say.
     */
    private String returnBase(HttpServletRequest request) {
        if (settings.publicUrl() != null) {
            String url = settings.publicUrl().toString();
            return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        }
        String address = environment.getProperty("server.address", "127.0.0.1").strip();
        if (address.isEmpty() || address.equals("0.0.0.0") || address.equals("::") || address.equals("[::]")) {
            return null;
        }
        String host = address.contains(":") && !address.startsWith("[") ? "[" + address + "]" : address;
        return "http://" + host + ":" + request.getLocalPort();
    }

    private static String refused(HttpServletResponse response, Model model, int status, String message) {
        response.setStatus(status);
        model.addAttribute("message", message);
        return "enrolment/refused";
    }

    private static String capitalized(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
