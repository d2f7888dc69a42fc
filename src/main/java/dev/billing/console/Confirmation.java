package dev.billing.console;

import java.util.Map;
import org.springframework.ui.Model;

/** The page every console action goes through before its POST: what will be done, and a button to do it. */
final class Confirmation {

    private Confirmation() {
    }

    static String page(Model model, String question, String postTo, Map<String, String> fields, String button, String back) {
        model.addAttribute("question", question);
        model.addAttribute("postTo", postTo);
        model.addAttribute("fields", fields);
        model.addAttribute("button", button);
        model.addAttribute("back", back);
        return "console/confirm";
    }
}
