package dev.billing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The engine in a JVM of its own, as an operator runs it, so that a test can kill it for real. */
public final class EngineProcess {

    /** Where the engines a test starts write their output. */
    public static final Path LOGS = Path.of("target/engine-logs");

    private EngineProcess() {
    }

    /** The log file {@code name} in {@link #LOGS}. */
    public static Path log(String name) {
        return LOGS.resolve(name);
    }

    /** Starts {@code billing-engine args...} with the test profile; its output goes to {@code log}. */
    public static Process start(Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-Duser.timezone=UTC");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BillingEngineApplication.class.getName());
        command.addAll(List.of(args));
        command.add("--spring.profiles.active=test");
        Files.createDirectories(log.toAbsolutePath().getParent());
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    public static String output(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }
}
