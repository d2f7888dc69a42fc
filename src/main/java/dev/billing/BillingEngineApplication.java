package dev.billing;

import dev.billing.cli.Cli;
import java.util.TimeZone;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The billing engine: a command-line program; each command starts the Spring context it needs. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class BillingEngineApplication {

    public static void main(String[] args) {
        // Spring Batch records its times as local date-times of the JVM's zone; keep them in UTC.
        TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
        System.exit(new Cli(System.out, System.err).execute(args));
    }
}
