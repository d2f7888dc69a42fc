package dev.billing.console;

import dev.billing.audit.AuditLog;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpMethod;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.AuthenticationFailureBadCredentialsEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;
import org.springframework.security.web.access.intercept.RequestMatcherDelegatingAuthorizationManager;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRequestHandler;
import org.springframework.security.web.csrf.XorCsrfTokenRequestAttributeHandler;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.web.multipart.MultipartHttpServletRequest;
import org.springframework.web.util.WebUtils;

/**
 * Who may reach what. Open: APS's server-to-server notifications and the browser's return from its page (their
 * signature is their guard, so no CSRF token), card enrolment, a notice's unsubscribe page (its POST with the CSRF token),
 * sign-in and sign-out, {@code /actuator/health} (its
 * status only, unless signed in). The console and the other actuator endpoints need a user (form sign-in for people,
 * HTTP basic for a metrics scraper); actions (POST) need OPERATOR (a settlement upload FINANCE or OPERATOR), and carry
 * the CSRF token. Anything else is refused. The rules are one table ({@link #access}), applied twice: by
 * {@link RequestGate} before a request's body is read, and by the chain's authorization.
 */
@Configuration(proxyBeanMethods = false)
public class ConsoleSecurity {

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    /** Who may reach what: the one table of the console's rules. */
    static RequestMatcherDelegatingAuthorizationManager access() {
        PathPatternRequestMatcher.Builder path = PathPatternRequestMatcher.withDefaults();
        String[] anyRole = {Role.VIEWER.name(), Role.FINANCE.name(), Role.OPERATOR.name()};
        return RequestMatcherDelegatingAuthorizationManager.builder()
                .requestMatchers(path.matcher(HttpMethod.POST, "/aps/notifications"), path.matcher(HttpMethod.POST, "/aps/return"),
                        path.matcher(HttpMethod.POST, "/login"), path.matcher(HttpMethod.POST, "/logout"),
                        path.matcher(HttpMethod.POST, "/notices/unsubscribe")).permitAll()
                .requestMatchers(path.matcher(HttpMethod.GET, "/enrol"), path.matcher(HttpMethod.GET, "/enrolment.css"),
                        path.matcher(HttpMethod.GET, "/notices/unsubscribe"), path.matcher(HttpMethod.GET, "/notices/card-updated"),
                        path.matcher(HttpMethod.GET, "/console.css"), path.matcher(HttpMethod.GET, "/login"),
                        path.matcher(HttpMethod.GET, "/favicon.ico")).permitAll() // a browser asks on every page: 404, not an audited 403
                .requestMatchers(path.matcher("/error"), path.matcher("/actuator/health"), path.matcher("/actuator/health/**")).permitAll()
                .requestMatchers(path.matcher(HttpMethod.POST, "/console/reports/*/settlement"),
                        path.matcher(HttpMethod.POST, "/console/orders/*/refunds"), path.matcher(HttpMethod.POST, "/console/refunds/*/approve"),
                        path.matcher(HttpMethod.POST, "/console/refunds/*/reject"))
                .hasAnyRole(Role.FINANCE.name(), Role.OPERATOR.name())
                .requestMatchers(path.matcher(HttpMethod.POST, "/console/**")).hasRole(Role.OPERATOR.name())
                .requestMatchers(path.matcher(HttpMethod.GET, "/console/reports/*/*")).hasAnyRole(Role.FINANCE.name(), Role.OPERATOR.name())
                .requestMatchers(path.matcher("/console"), path.matcher("/console/**"), path.matcher("/actuator/**")).hasAnyRole(anyRole)
                .anyRequest().denyAll()
                .build();
    }

    @Bean
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    SecurityFilterChain consoleFilterChain(HttpSecurity http, Refusals refusals, WebProperties web) throws Exception {
        RequestMatcherDelegatingAuthorizationManager access = access();
        http.authorizeHttpRequests(requests -> requests.anyRequest().access((who, context) -> access.authorize(who, context.getRequest())))
                .addFilterBefore(new RequestGate(access, refusals, web.bodyTimeout()), CsrfFilter.class)
                .csrf(csrf -> csrf.ignoringRequestMatchers("/aps/notifications", "/aps/return").csrfTokenRequestHandler(new StrictCsrfTokens()))
                .formLogin(form -> form.loginPage("/login").defaultSuccessUrl("/console", true))
                .httpBasic(Customizer.withDefaults())
                .exceptionHandling(denied -> denied.accessDeniedHandler(new AuditedDenial(refusals)))
                .logout(logout -> logout.logoutUrl("/logout").logoutSuccessUrl("/login?signed-out"));
        return http.build();
    }

    /**
     * CSRF tokens read without reading an upload: from the header, or for a multipart body not read yet from the query
     * string only (the upload form carries its token in its address), else from the form. A token that does not decode is a
     * malformed request ({@code 400}), not a server error.
     */
    static final class StrictCsrfTokens implements CsrfTokenRequestHandler {

        private final XorCsrfTokenRequestAttributeHandler tokens = new XorCsrfTokenRequestAttributeHandler();

        @Override
        public void handle(HttpServletRequest request, HttpServletResponse response, Supplier<CsrfToken> token) {
            tokens.handle(request, response, token);
        }

        @Override
        public String resolveCsrfTokenValue(HttpServletRequest request, CsrfToken token) {
            HttpServletRequest asked = request;
            String type = request.getContentType() == null ? "" : request.getContentType().toLowerCase(Locale.ROOT);
            boolean partsInMemory = WebUtils.getNativeRequest(request, MultipartHttpServletRequest.class) != null;
            if (type.startsWith("multipart/") && !partsInMemory) {
                Map<String, String[]> query = FormBody.of(request.getQueryString(), null);
                asked = new HttpServletRequestWrapper(request) {
                    @Override
                    public String getParameter(String name) {
                        String[] values = query.get(name);
                        return values == null ? null : values[0];
                    }
                };
            }
            try {
                return tokens.resolveCsrfTokenValue(asked, token);
            } catch (IllegalArgumentException e) {
                throw new FormBody.Malformed("the CSRF token does not decode");
            }
        }
    }

    /** A refused request is written to the security log and the audit trail (counted, for the anonymous) before the {@code 403}. */
    static final class AuditedDenial implements AccessDeniedHandler {

        private final Refusals refusals;
        private final AccessDeniedHandler refuse = new AccessDeniedHandlerImpl();

        AuditedDenial(Refusals refusals) {
            this.refusals = refusals;
        }

        @Override
        public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
                throws IOException, ServletException {
            refusals.refused(request, 403, denied instanceof CsrfException ? "missing or wrong CSRF token" : "the user's role may not do this");
            refuse.handle(request, response, denied);
        }
    }

    /**
     * Sign-ins: a wrong name or password is counted per source address ({@link ConsoleUsers#failed}) and audited; a
     * refusal of a locked name or address is counted in the trail per source and minute; a success clears the name's
     * count from that address.
     */
    @Configuration(proxyBeanMethods = false)
    static class SignInEvents {

        private final ConsoleUsers users;
        private final AuditLog audit;

        SignInEvents(ConsoleUsers users, AuditLog audit) {
            this.users = users;
            this.audit = audit;
        }

        @EventListener
        void failed(AbstractAuthenticationFailureEvent event) {
            String name = String.valueOf(event.getAuthentication().getName());
            String source = source(event.getAuthentication());
            if (!(event instanceof AuthenticationFailureBadCredentialsEvent)) {
                audit.countRefusal(source, "SIGN_IN_FAILED", "user " + name,
                        "refused: a name or address locked for a minute after repeated failures from it");
                return;
            }
            String result = switch (users.failed(source, name)) {
                case NAME_LOCKED -> "wrong name or password; the user is now locked for a minute from " + source;
                case ADDRESS_LOCKED -> "wrong name or password; sign-ins from " + source + " are now stopped for a minute";
                case COUNTED -> "wrong name or password";
            };
            audit.append(name, "SIGN_IN_FAILED", null, result);
        }

        @EventListener
        void succeeded(AuthenticationSuccessEvent event) {
            users.succeeded(source(event.getAuthentication()), event.getAuthentication().getName());
        }

        private static String source(Authentication authentication) {
            return authentication.getDetails() instanceof WebAuthenticationDetails web && web.getRemoteAddress() != null
                    ? web.getRemoteAddress() : AuditLog.currentSource();
        }
    }
}
