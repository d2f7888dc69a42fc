package dev.billing.cli;

import dev.billing.command.CliContext;
import dev.billing.command.ExitCodes;
import dev.billing.enrolment.EnrolLinks;
import dev.billing.enrolment.EnrolmentProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.springframework.core.env.Environment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Prints a signed {@code /enrol} link, as the merchant's site makes them. */
@Command(name = "enrol-link", mixinStandardHelpOptions = true,
        description = {"Prints a signed card-enrolment link (GET /enrol of serve) for a customer, valid for a while;",
            "billing.enrolment.secret signs it, as the merchant's site would."})
class EnrolLinkCommand implements Callable<Integer> {

    private final CliContext cli;

    @Option(names = "--customer-id", required = true, description = "The merchant's customer id.")
    String customerId;

    @Option(names = "--email", required = true, description = "The customer's e-mail address.")
    String email;

    @Option(names = "--return-to", required = true, description = "Where the confirmation page links back to (http or https).")
    String returnTo;

    @Option(names = "--valid-for", description = "How long the link is valid, e.g. 1h or 30m (default: billing.enrolment.valid-for, 1h).")
    String validFor;

    EnrolLinkCommand(CliContext cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        EnrolmentProperties settings = cli.engine().bean(EnrolmentProperties.class);
        if (!settings.enabled()) {
            cli.err().println("error: billing.enrolment.secret is not set; set it (at least 16 characters, shared with the merchant's site)");
            return ExitCodes.USAGE;
        }
        Duration valid;
        try {
            valid = validFor == null ? settings.validFor()
                    : Duration.parse("PT" + validFor.toUpperCase(java.util.Locale.ROOT));
        } catch (java.time.format.DateTimeParseException e) {
            cli.err().println("error: --valid-for " + validFor + " is not a duration like 1h, 30m or 90s");
            return ExitCodes.USAGE;
        }
        if (!returnTo.matches("https?://[^\\s\"'<>]+")) {
            cli.err().println("error: --return-to must be an http or https address");
            return ExitCodes.USAGE;
        }
        Environment env = cli.engine().context().getEnvironment();
        String base = settings.publicUrl() != null ? settings.publicUrl().toString().replaceAll("/$", "")
                : "http://" + env.getProperty("server.address", "127.0.0.1") + ":" + env.getProperty("server.port", "8081");
        EnrolLinks.Link link = new EnrolLinks.Link(customerId, email, returnTo, Instant.now().plus(valid).getEpochSecond());
        cli.out().println(base + "/enrol?" + link.query(settings.secret()));
        return ExitCodes.OK;
    }
}
