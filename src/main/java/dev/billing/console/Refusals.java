package dev.billing.console;

import dev.billing.audit.AuditLog;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * A refused web request: one line in the security log (never the body, a field or a query string), and the audit
 * trail: a signed-in user's refusal is a row of its own, an anonymous visitor's is counted per source and minute.
 */
@Component
class Refusals {

    private static final Logger security = LoggerFactory.getLogger("dev.billing.security");

    private final AuditLog audit;

    Refusals(AuditLog audit) {
        this.audit = audit;
    }

    /** A refusal of the request this thread serves, by the user of its security context. */
    void refused(HttpServletRequest request, int status, String why) {
        refused(request, SecurityContextHolder.getContext().getAuthentication(), status, why);
    }

    /** A refusal of a request of {@code who} (null: anonymous). */
    void refused(HttpServletRequest request, Authentication who, int status, String why) {
        String target = request.getMethod() + " " + clip(request.getRequestURI());
        boolean anonymous = who == null || who instanceof AnonymousAuthenticationToken || !who.isAuthenticated();
        security.info("Refused {} from {}{}: {} {}", target, request.getRemoteAddr(), anonymous ? "" : " (" + who.getName() + ")",
                status, why);
        String result = status + ": " + why;
        if (anonymous) {
            audit.countRefusal(request.getRemoteAddr(), "DENIED", target, result);
        } else {
            audit.append(who.getName(), "DENIED", target, result);
        }
    }

    private static String clip(String uri) {
        return uri.length() <= 120 ? uri : uri.substring(0, 120) + "...";
    }
}
