package dev.billing.console;

import java.util.Arrays;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * What every console page knows of its reader: the name and role, and whether to show the operator's actions and the
 * finance user's downloads. Only what is shown depends on it; every action is checked again on the server.
 */
@ControllerAdvice(basePackageClasses = ConsoleModel.class)
class ConsoleModel {

    @ModelAttribute
    void reader(Authentication authentication, Model model) {
        if (authentication == null) {
            return;
        }
        Role role = Arrays.stream(Role.values()).filter(r -> has(authentication, r)).reduce((a, b) -> b).orElse(null);
        model.addAttribute("who", authentication.getName());
        model.addAttribute("role", role == null ? "none" : role.name());
        model.addAttribute("operator", role == Role.OPERATOR);
        model.addAttribute("finance", role == Role.OPERATOR || role == Role.FINANCE);
    }

    static boolean has(Authentication authentication, Role role) {
        return authentication.getAuthorities().stream().map(GrantedAuthority::getAuthority).anyMatch(("ROLE_" + role.name())::equals);
    }
}
