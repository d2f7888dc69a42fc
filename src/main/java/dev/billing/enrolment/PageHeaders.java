package dev.billing.enrolment;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Base64;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The headers of every page the engine serves: a strict Content-Security-Policy (nothing from elsewhere; the one
 * script, the auto-submit of the gateway form, by a fresh nonce; forms may post only to this engine and the gateway's
 * page), no framing, no caching, no referrer (a link's signature must not leak).
 */
@Component
class PageHeaders extends OncePerRequestFilter {

    static final String NONCE = "cspNonce";

    private final SecureRandom random = new SecureRandom();
    private final EnrolmentController enrolment;

    PageHeaders(EnrolmentController enrolment) {
        this.enrolment = enrolment;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        String nonce = Base64.getEncoder().encodeToString(bytes);
        request.setAttribute(NONCE, nonce);
        String formAction = "'self'";
        if (request.getRequestURI().equals("/enrol")) {
            java.net.URI page = enrolment.pageUrlFor(request.getParameter("replaces"));
            if (page != null) {
                formAction += " " + page.getScheme() + "://" + page.getAuthority();
            }
        }
        response.setHeader("Content-Security-Policy", "default-src 'none'; script-src 'nonce-" + nonce + "'; style-src 'self';"
                + " img-src 'self'; form-action " + formAction + "; frame-ancestors 'none'; base-uri 'none'");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Cache-Control", "no-store");
        chain.doFilter(request, response);
    }
}
