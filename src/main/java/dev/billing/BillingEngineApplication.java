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
        // The JDK's HTTP server (the built-in simulator's) leaves Nagle's algorithm on unless the JVM says otherwise, and
        // each reply then waits for a delayed ACK (~40 ms). A setting of the JVM, so it is made here, where the JVM
        // starts (the tests' JVMs get it from their argLine), unless the command line of the JVM chose already.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        System.exit(new Cli(System.out, System.err).execute(args));
    }
}
