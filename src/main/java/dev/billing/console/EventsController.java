package dev.billing.console;

import dev.billing.audit.AuditLog;
import dev.billing.events.EventDeliveries;
import java.security.Principal;
import java.util.Set;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The merchant's webhooks from the console: every event's deliveries with their attempts and what the endpoint said
 * (any signed-in user), and an OPERATOR's resend of one (checked on the server by {@link ConsoleSecurity}; audited).
 */
@Controller
class EventsController {

    private static final Set<String> STATUSES = Set.of("PENDING", "DELIVERED", "GAVE_UP");

    private final EventDeliveries deliveries;
    private final AuditLog audit;

    EventsController(EventDeliveries deliveries, AuditLog audit) {
        this.deliveries = deliveries;
        this.audit = audit;
    }

    @GetMapping("/console/events")
    String list(@RequestParam(required = false) String status, Model model) {
        String only = status != null && STATUSES.contains(status) ? status : null;
        model.addAttribute("status", only);
        model.addAttribute("counts", deliveries.counts());
        model.addAttribute("deliveries", deliveries.recent(only, 200));
        return "console/events";
    }

    @PostMapping("/console/events/{eventId}/{endpoint}/resend")
    String resend(@PathVariable String eventId, @PathVariable String endpoint, Principal who, RedirectAttributes flash) {
        boolean found = deliveries.resend(eventId, endpoint);
        audit.append(who.getName(), "EVENT_RESEND", "event " + eventId + " to " + endpoint, found ? "due again now" : "no such delivery");
        flash.addFlashAttribute("notice", found ? "Event " + eventId + " will be delivered to " + endpoint + " again shortly"
                : "There is no delivery of event " + eventId + " to " + endpoint);
        return "redirect:/console/events";
    }
}
