package dev.billing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The engine in a JVM of its own, as an operator runs it, so that a test can kill it for real.
 *
 * <p>When the build has packaged the engine ({@code target/billing-engine.jar}, newer than every compiled class, as in
 * {@code mvn verify}), the engine runs from that jar as Spring Boot extracts it, with a class-data archive written by
 * one training run: an engine JVM then starts in about half the time and CPU, which is most of what the process tests
 * wait for. Without the jar (a test run from an IDE), it runs from this JVM's class path, as before.
 */
public final class EngineProcess {

    /** Where the engines a test starts write their output. */
    public static final Path LOGS = Path.of("target/engine-logs");

    private static final Path JAR = Path.of("target/billing-engine.jar");
    private static final Path CLASSES = Path.of("target/classes");
    private static final Path PACKAGED = Path.of("target/engine-packaged");
    /** The test profile's settings, for an engine run from the jar (which does not hold them). */
    private static final Path TEST_SETTINGS = Path.of("target/test-classes");

    private static List<String> launcher;

    private EngineProcess() {
    }

    /** The log file {@code name} in {@link #LOGS}. */
    public static Path log(String name) {
        return LOGS.resolve(name);
    }

    /** Starts {@code billing-engine args...} with the test profile; its output goes to {@code log}. */
    public static Process start(Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(launcher());
        command.addAll(List.of(args));
        command.add("--spring.profiles.active=test");
        Files.createDirectories(log.toAbsolutePath().getParent());
        return builder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    public static String output(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /**
     * A process builder whose engines (and the engines they start, such as a benchmark's nodes) find the test profile's
     * settings when they run from the jar.
     */
    private static ProcessBuilder builder(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("SPRING_CONFIG_ADDITIONALLOCATION", "optional:file:" + TEST_SETTINGS.toAbsolutePath() + "/");
        return builder;
    }

    private static List<String> java() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-Duser.timezone=UTC");
        return command;
    }

    /** The command that starts an engine, up to its arguments; found once per test JVM. */
    private static synchronized List<String> launcher() throws IOException {
        if (launcher == null) {
            launcher = packaged();
            if (launcher == null) {
                launcher = new ArrayList<>(java());
                launcher.addAll(List.of("-cp", System.getProperty("java.class.path"), BillingEngineApplication.class.getName()));
            }
        }
        return launcher;
    }

    /** The packaged engine, extracted and with its class-data archive; null when the jar is missing or stale. */
    private static List<String> packaged() throws IOException {
        if (!Files.isRegularFile(JAR) || Files.getLastModifiedTime(JAR).compareTo(newest(CLASSES)) < 0) {
            return null;
        }
        Path extracted = PACKAGED.resolve(JAR.getFileName());
        if (!Files.isRegularFile(extracted) || Files.getLastModifiedTime(extracted).compareTo(Files.getLastModifiedTime(JAR)) < 0) {
            delete(PACKAGED);
            List<String> extract = new ArrayList<>(java());
            extract.addAll(List.of("-Djarmode=tools", "-jar", JAR.toString(), "extract", "--destination", PACKAGED.toString()));
            if (!run(extract, "engine-extract.log") || !Files.isRegularFile(extracted)) {
                return null;
            }
        }
        List<String> command = new ArrayList<>(java());
        // the short runs the tests make are over before the second compiler pays for itself: the first one only
        command.add("-XX:TieredStopAtLevel=1");
        Path archive = PACKAGED.resolve("engine.jsa");
        if (!Files.isRegularFile(archive)) {
            List<String> training = new ArrayList<>(command);
            training.add("-XX:ArchiveClassesAtExit=" + archive);
            training.addAll(List.of("-jar", extracted.toString(), "jobs", "list", "--spring.profiles.active=test"));
            run(training, "engine-training.log");
        }
        if (Files.isRegularFile(archive)) {
            command.add("-XX:SharedArchiveFile=" + archive);
            command.add("-Xlog:disable"); // an archive the JVM cannot use is left aside, without a word in the engine's output
        }
        command.addAll(List.of("-jar", extracted.toString()));
        return command;
    }

    private static boolean run(List<String> command, String logName) throws IOException {
        Path log = log(logName);
        Files.createDirectories(LOGS);
        Process process = builder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!process.waitFor(3, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return false;
        }
        return process.exitValue() == 0;
    }

    private static FileTime newest(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(file -> {
                try {
                    return Files.getLastModifiedTime(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).max(Comparator.naturalOrder()).orElse(FileTime.fromMillis(0));
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
