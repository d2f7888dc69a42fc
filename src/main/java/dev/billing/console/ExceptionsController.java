package dev.billing.console;

import dev.billing.audit.AuditLog;
import dev.billing.charging.ManualCharge;
import dev.billing.ledger.AttemptKind;
import dev.billing.ledger.LedgerExceptions;
import dev.billing.operations.JobRunner;
import dev.billing.reconciliation.ExceptionsReport;
import dev.billing.support.OperatorException;
import dev.billing.verification.VerificationStatusCheck;
import java.security.Principal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriUtils;

/**
 * What a person must look at on a business date (the rows of {@code exceptions-<date>.csv}, from the ledger as it
 * stands), with the two actions an operator may take on one charge: ask the gateway now, and charge again now.
 */
@Controller
class ExceptionsController {

    private static final Logger log = LoggerFactory.getLogger(ExceptionsController.class);

    /** One row of the page, with the action it offers (none, ask, or charge). */
    record Row(String type, String reference, String orderId, String tokenName, String amount, String currency, String detail,
               String action) {
    }

    private final ExceptionsReport report;
    private final ManualCharge manual;
    private final AuditLog audit;
    private final JobRunner runner;
    private final VerificationStatusCheck verifications;

    ExceptionsController(ExceptionsReport report, ManualCharge manual, AuditLog audit, JobRunner runner,
                         VerificationStatusCheck verifications) {
        this.verifications = verifications;
        this.report = report;
        this.manual = manual;
        this.audit = audit;
        this.runner = runner;
    }

    @GetMapping("/console/exceptions")
    String exceptions(@RequestParam(required = false) String date, Model model) {
        LocalDate day = date(date);
        if (day == null) {
            model.addAttribute("message", "'" + date + "' is not a date; write it as 2026-11-27.");
            return "console/missing";
        }
        List<Row> rows = report.rows(day).stream().map(r -> new Row(r.type(), r.reference(), r.orderId(), r.tokenName(), r.amount(),
                r.currency(), r.detail(), action(r))).toList();
        model.addAttribute("date", day.toString());
        model.addAttribute("rows", rows);
        return "console/exceptions";
    }

    /** Asking the gateway settles a card charge whose outcome is unknown; charging again is for a held or failed order. */
    private static String action(ExceptionsReport.Row row) {
        return switch (row.type()) {
            case "UNKNOWN_OUTCOME" -> AttemptKind.CARD_CHARGES.contains(row.unsettled()) ? "ask" : "";
            case "ORDER_HELD", "ORDER_FAILED" -> "charge";
            case LedgerExceptions.CHARGED_ORDER_NOT_DUE -> "refund";
            default -> "";
        };
    }

    @GetMapping("/console/exceptions/ask")
    String confirmAsk(@RequestParam String reference, @RequestParam String date, Model model) {
        return Confirmation.page(model, "Ask the gateway now about " + reference + "? A final answer is recorded in the ledger.",
                "/console/exceptions/ask", Map.of("reference", reference, "date", date), "Yes, ask the gateway",
                "/console/exceptions?date=" + UriUtils.encodeQueryParam(date, java.nio.charset.StandardCharsets.UTF_8));
    }

    @PostMapping("/console/exceptions/ask")
    String ask(@RequestParam String reference, @RequestParam String date, Principal who, RedirectAttributes flash) {
        LocalDate day = date(date);
        String result;
        try {
            if (day == null) {
                throw new OperatorException("'" + date + "' is not a date");
            }
            result = reference.startsWith("CH-") ? manual.askGateway(reference, runner.today()).outcome()
                    : verifications.askGateway(reference);
        } catch (OperatorException e) {
            result = "refused: " + e.getMessage();
        } catch (RuntimeException e) {
            log.warn("Status check of {} from the console failed: {}", reference, e.toString());
            result = "failed: " + e.getMessage();
        }
        audit.append(who.getName(), "STATUS_CHECK", "attempt " + reference, result);
        flash.addFlashAttribute("notice", "Status check of " + reference + ": " + result);
        return "redirect:/console/exceptions?date=" + (day == null ? "" : day);
    }

    @GetMapping("/console/orders/{orderId}/charge")
    String confirmCharge(@PathVariable String orderId, Model model) {
        return Confirmation.page(model, "Charge order " + orderId + " again now, with its token? This is a real charge.",
                orderPage(orderId) + "/charge", Map.of(), "Yes, charge it now", orderPage(orderId));
    }

    @PostMapping("/console/orders/{orderId}/charge")
    String charge(@PathVariable String orderId, Principal who, RedirectAttributes flash) {
        String result;
        try {
            ManualCharge.Result charged = manual.chargeAgain(orderId, who.getName(), runner.today());
            result = charged.reference() + " " + charged.outcome();
        } catch (OperatorException e) {
            result = "refused: " + e.getMessage();
        } catch (RuntimeException e) {
            log.warn("Charge again of order {} from the console failed: {}", orderId, e.toString());
            result = "failed: " + e.getMessage() + "; an attempt left open is settled by the next charge run";
        }
        audit.append(who.getName(), "CHARGE_AGAIN", "order " + orderId, result);
        flash.addFlashAttribute("notice", "Charge again of order " + orderId + ": " + result);
        return "redirect:" + orderPage(orderId);
    }

    private static String orderPage(String orderId) {
        return "/console/orders/" + UriUtils.encodePathSegment(orderId, java.nio.charset.StandardCharsets.UTF_8);
    }

    private LocalDate date(String text) {
        if (text == null || text.isBlank()) {
            return runner.today();
        }
        try {
            return LocalDate.parse(text.strip());
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
