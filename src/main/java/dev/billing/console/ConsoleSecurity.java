package dev.billing.console;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.AuthenticationFailureLockedEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Who may reach what. Open: APS's server-to-server notifications and the browser's return from its page (their
 * signature is their guard, so no CSRF token), card enrolment, the sign-in page, {@code /actuator/health}. The console
 * and the other actuator endpoints need a user (form sign-in for people, HTTP basic for a metrics scraper); actions
 * (POST) need OPERATOR, and carry the CSRF token. Anything else is refused.
 */
@Configuration(proxyBeanMethods = false)
public class ConsoleSecurity {

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    SecurityFilterChain consoleFilterChain(HttpSecurity http, AuditLog audit) throws Exception {
        http.authorizeHttpRequests(requests -> requests
                        .requestMatchers(HttpMethod.POST, "/aps/notifications", "/aps/return").permitAll()
                        .requestMatchers(HttpMethod.GET, "/enrol", "/enrolment.css", "/console.css", "/login").permitAll()
                        .requestMatchers("/error", "/actuator/health", "/actuator/health/**").permitAll()
                        .requestMatchers(HttpMethod.POST, "/console/reports/*/settlement")
                        .hasAnyRole(Role.FINANCE.name(), Role.OPERATOR.name())
                        .requestMatchers(HttpMethod.POST, "/console/**").hasRole(Role.OPERATOR.name())
                        .requestMatchers(HttpMethod.GET, "/console/reports/*/*").hasAnyRole(Role.FINANCE.name(), Role.OPERATOR.name())
                        .requestMatchers("/console", "/console/**", "/actuator/**")
                        .hasAnyRole(Role.VIEWER.name(), Role.FINANCE.name(), Role.OPERATOR.name())
                        .anyRequest().denyAll())
                .csrf(csrf -> csrf.ignoringRequestMatchers("/aps/notifications", "/aps/return"))
                .formLogin(form -> form.loginPage("/login").defaultSuccessUrl("/console", true).permitAll())
                .httpBasic(Customizer.withDefaults())
                .exceptionHandling(denied -> denied.accessDeniedHandler(new AuditedDenial(audit)))
                .logout(logout -> logout.logoutUrl("/logout").logoutSuccessUrl("/login?signed-out"));
        return http.build();
    }

    /** A refused request of a signed-in user, or any refused POST, is written to the audit trail before the {@code 403}. */
    static final class AuditedDenial implements AccessDeniedHandler {

        private final AuditLog audit;
        private final AccessDeniedHandler refuse = new AccessDeniedHandlerImpl();

        AuditedDenial(AuditLog audit) {
            this.audit = audit;
        }

        @Override
        public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
                throws IOException, ServletException {
            Authentication who = SecurityContextHolder.getContext().getAuthentication();
            boolean anonymous = who == null || who instanceof AnonymousAuthenticationToken || !who.isAuthenticated();
            if (!anonymous || "POST".equals(request.getMethod())) {
                String why = denied instanceof CsrfException ? "missing or wrong CSRF token" : "the user's role may not do this";
                audit.append(anonymous ? "anonymous" : who.getName(), "DENIED", request.getMethod() + " " + request.getRequestURI(),
                        "403: " + why);
            }
            refuse.handle(request, response, denied);
        }
    }

    /** Sign-ins: failures counted (the fifth locks the user for a minute) and audited; a success clears the count. */
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
            if (event instanceof AuthenticationFailureLockedEvent) {
                audit.append(name, "SIGN_IN_FAILED", null, "refused: the user is locked for a minute after five failures");
                return;
            }
            boolean locked = users.failed(name);
            audit.append(name, "SIGN_IN_FAILED", null, locked ? "wrong name or password; the user is now locked for a minute"
                    : "wrong name or password");
        }

        @EventListener
        void succeeded(AuthenticationSuccessEvent event) {
            users.succeeded(event.getAuthentication().getName());
        }
    }
}
