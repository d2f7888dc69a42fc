package dev.billing.notices;

import dev.billing.enrolment.EnrolmentProperties;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * {@code /notices/unsubscribe?customer_id=C&sig=S}, the link in every notice: the GET shows a page that asks (a mail
 * program that opens links to scan them unsubscribes nobody); its POST, with the CSRF token, records the opt-out. Both
 * check the signature first; a bad one is refused with {@code 403} and changes nothing.
 */
@Controller
class UnsubscribeController {

    private static final Logger security = LoggerFactory.getLogger("dev.billing.security");
    static final String PATH = "/notices/unsubscribe";
    /** Where a card-update link sends the customer after enrolling, unless {@code billing.notices.return-to} says. */
    static final String CARD_UPDATED = "/notices/card-updated";

    private final EnrolmentProperties enrolment;
    private final JdbcTemplate jdbc;

    UnsubscribeController(EnrolmentProperties enrolment, JdbcTemplate jdbc) {
        this.enrolment = enrolment;
        this.jdbc = jdbc;
    }

    @GetMapping(PATH)
    String ask(@RequestParam(name = "customer_id", required = false) String customerId, @RequestParam(name = "sig", required = false) String sig,
               HttpServletResponse response, Model model) {
        String refused = refusal(customerId, sig, response, model);
        if (refused != null) {
            return refused;
        }
        model.addAttribute("customerId", customerId);
        model.addAttribute("sig", sig);
        return "notices/unsubscribe";
    }

    @GetMapping(CARD_UPDATED)
    String cardUpdated() {
        return "notices/card-updated";
    }

    @PostMapping(PATH)
    String unsubscribe(@RequestParam(name = "customer_id", required = false) String customerId,
                       @RequestParam(name = "sig", required = false) String sig, HttpServletResponse response, Model model) {
        String refused = refusal(customerId, sig, response, model);
        if (refused != null) {
            return refused;
        }
        jdbc.update("""
                INSERT INTO notice_customers (customer_id, unsubscribed_at) VALUES (?, now())
                ON CONFLICT (customer_id) DO UPDATE SET unsubscribed_at = coalesce(notice_customers.unsubscribed_at, now())""", customerId);
        return "notices/unsubscribed";
    }

    private String refusal(String customerId, String sig, HttpServletResponse response, Model model) {
        if (!enrolment.enabled()) {
            response.setStatus(404);
            model.addAttribute("message", "There is nothing to unsubscribe from here.");
            return "enrolment/refused";
        }
        if (customerId == null || customerId.length() > 64 || !NoticeLinks.unsubscribeSigned(enrolment.secret(), customerId, sig)) {
            security.warn("Refused an unsubscribe link: its signature does not verify");
            response.setStatus(403);
            model.addAttribute("message", "This link is not one the merchant sent. Nothing was changed.");
            return "enrolment/refused";
        }
        return null;
    }
}
