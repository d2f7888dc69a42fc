package dev.billing.console;

import dev.billing.audit.AuditLog;
import dev.billing.refunds.RefundRequests;
import dev.billing.refunds.RefundService;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriUtils;

/**
 * Refunds from the console (FINANCE and OPERATOR, checked on the server by {@link ConsoleSecurity}): a refund asked
 * for on an order's page, and the requests that wait for a second person, approved or rejected by someone other than
 * the one who asked. Every step is in the audit trail.
 */
@Controller
class RefundsController {

    private final RefundService refunds;
    private final RefundRequests requests;
    private final AuditLog audit;

    RefundsController(RefundService refunds, RefundRequests requests, AuditLog audit) {
        this.refunds = refunds;
        this.requests = requests;
        this.audit = audit;
    }

    @PostMapping("/console/orders/{orderId}/refunds")
    String refund(@PathVariable String orderId, @RequestParam(required = false) String amount, @RequestParam(required = false) String reason,
                  Principal who, RedirectAttributes flash) {
        RefundService.Outcome outcome = refunds.refund(RefundService.Ask.of(orderId, amount, reason, who.getName()));
        audit.append(who.getName(), "REFUND", "order " + orderId, outcome.result() + ": " + outcome.message());
        flash.addFlashAttribute("notice", "Refund of order " + orderId + ": " + outcome.message());
        return "redirect:/console/orders/" + UriUtils.encodePathSegment(orderId, StandardCharsets.UTF_8);
    }

    @GetMapping("/console/refunds")
    String waiting(Model model) {
        refunds.expireOld();
        model.addAttribute("requests", requests.recent(200));
        return "console/refunds";
    }

    @PostMapping("/console/refunds/{id}/approve")
    String approve(@PathVariable long id, Principal who, RedirectAttributes flash) {
        RefundService.Outcome outcome = refunds.approve(id, who.getName());
        audit.append(who.getName(), "REFUND_APPROVE", "refund request " + id, outcome.result() + ": " + outcome.message());
        flash.addFlashAttribute("notice", "Approval of refund request " + id + ": " + outcome.message());
        return "redirect:/console/refunds";
    }

    @PostMapping("/console/refunds/{id}/reject")
    String reject(@PathVariable long id, @RequestParam(required = false) String note, Principal who, RedirectAttributes flash) {
        RefundService.Outcome outcome = refunds.reject(id, who.getName(), note);
        audit.append(who.getName(), "REFUND_REJECT", "refund request " + id, outcome.result() + ": " + outcome.message());
        flash.addFlashAttribute("notice", "Refund request " + id + ": " + outcome.message());
        return "redirect:/console/refunds";
    }
}
