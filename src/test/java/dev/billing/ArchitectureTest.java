package dev.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Arrows point one way: a class imports only from its own package or from packages of a lower layer, and packages of
 * one layer (the capabilities) never import each other. The command line and the jobs' composition sit on top, the
 * ledger and the gateway at the bottom.
 */
class ArchitectureTest {

    /** Package (under dev.billing) to layer, bottom first. */
    private static final Map<String, Integer> LAYER = Map.ofEntries(
            Map.entry("money", 0), Map.entry("support", 0),
            Map.entry("gateway", 1), Map.entry("database", 1), Map.entry("audit", 1),
            Map.entry("simulator", 2), Map.entry("events", 2),
            Map.entry("ledger", 3),
            Map.entry("batch", 4),
            Map.entry("verification", 5), Map.entry("charging", 5), Map.entry("refunds", 5), Map.entry("tokens", 5), Map.entry("importing", 5), Map.entry("reconciliation", 5),
            Map.entry("operations", 6), Map.entry("notifications", 6), Map.entry("enrolment", 6),
            Map.entry("scheduling", 7), Map.entry("console", 7), Map.entry("notices", 7),
            Map.entry("command", 8),
            Map.entry("bench", 9),
            Map.entry("cli", 10),
            Map.entry("", 11));

    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.billing\\.(?:([a-z]+)\\.)?[A-Z]", Pattern.MULTILINE);
    private static final Pattern QUALIFIED = Pattern.compile("\\bdev\\.billing\\.([a-z]+)\\.[A-Z]");

    @Test
    void noClassUsesAPackageAboveItsOwnOrBesideIt() throws IOException {
        Path root = Path.of("src/main/java/dev/billing");
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path relative = root.relativize(file.getParent() == null ? root : file.getParent());
                String own = relative.toString().replace('/', '.');
                assertThat(LAYER).as("every package has a layer: add " + own).containsKey(own);
                String source = Files.readString(file);
                for (Pattern pattern : List.of(IMPORT, QUALIFIED)) {
                    Matcher m = pattern.matcher(source);
                    while (m.find()) {
                        String used = m.group(1) == null ? "" : m.group(1);
                        if (used.equals(own) || !LAYER.containsKey(used)) {
                            continue;
                        }
                        if (used.isEmpty() && (own.equals("command") || own.equals("bench"))) {
                            continue; // the command line starts the application (and benchmarks its processes): the one arrow to the composition root
                        }
                        if (LAYER.get(used) >= LAYER.get(own)) {
                            violations.add(root.relativize(file) + " uses dev.billing." + used);
                        }
                    }
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    /** SQL that writes a table of the payment ledger: its rows, or the exceptions the ledger found for a person. */
    private static final Pattern LEDGER_WRITE = Pattern.compile(
            "(?i)\\b(INSERT\\s+INTO|UPDATE|DELETE\\s+FROM|TRUNCATE|VACUUM\\s*(\\([A-Z, ]*\\))?)\\s+(payment_attempts|ledger_exceptions|ledger_figures)\\b");

    /**
     * The ledger has one owner: no class outside {@code ledger/} writes its tables, whatever the path (a charge, a
     * verification, a deactivation, a console action). The benchmarks' synthetic data ({@code bench/BenchData}), written
     * in bulk into their throwaway database, is the one exception.
     */
    @Test
    void onlyTheLedgerWritesTheLedgerTables() throws IOException {
        assertThat(occurrences(LEDGER_WRITE, List.of("ledger/", "bench/BenchData.java")))
                .as("writes of the ledger's tables outside ledger/").isEmpty();
    }

    /** A table of the payment ledger, or a view over it, named in code (comments left out). */
    private static final Pattern LEDGER_TABLE = Pattern.compile("(?i)\\b(payment_attempts|ledger_exceptions|verification_charges_owed|ledger_figures)\\b");

    /**
     * Everyone else reads the ledger through its query classes, as records: the console, the reports, the notifications,
     * the import, the metrics. The jobs that move money ({@code charging/}, {@code verification/}, {@code tokens/}) page
     * and lock the rows they send beside the ledger's writes, and the benchmarks measure it in their throwaway database.
     */
    @Test
    void othersReadTheLedgerThroughItsQueryClasses() throws IOException {
        assertThat(occurrences(LEDGER_TABLE, List.of("ledger/", "charging/", "verification/", "tokens/", "bench/")))
                .as("ledger tables named outside the ledger and the jobs that move money").isEmpty();
    }

    /** A thread or a pool of threads started in code. */
    private static final Pattern THREAD_START = Pattern.compile(
            "new Thread\\(|Executors\\.new\\w+\\(|new (ThreadPoolExecutor|ScheduledThreadPoolExecutor|ForkJoinPool)\\(");

    /**
     * The engine's threads come from one place ({@code support/EngineThreads}, owned by the Spring context). The built-in
     * simulator (a server double that also runs on its own, outside Spring) and the benchmarks keep their own.
     */
    @Test
    void threadsComeFromEngineThreads() throws IOException {
        assertThat(occurrences(THREAD_START, List.of("support/EngineThreads.java", "simulator/", "bench/")))
                .as("threads started outside EngineThreads").isEmpty();
    }

    /**
     * Where {@code pattern} occurs in the engine's code (comments left out) outside the places {@code allowed} (paths, or
     * their beginnings, below {@code dev/billing/}).
     */
    private static List<String> occurrences(Pattern pattern, List<String> allowed) throws IOException {
        Path root = Path.of("src/main/java/dev/billing");
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String relative = root.relativize(file).toString();
                if (allowed.stream().anyMatch(relative::startsWith)) {
                    continue;
                }
                String code = Files.readString(file).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)^\\s*//.*$", "");
                Matcher m = pattern.matcher(code);
                while (m.find()) {
                    found.add(relative + ": " + m.group().replaceAll("\\s+", " "));
                }
            }
        }
        return found;
    }

    /**
     * The frameworks' own tables are named in SQL in one place each: Spring Batch's job repository in {@code operations/}
     * (job control, the console's nights) and in the partition hand-over's existence check ({@code batch/PartitionWorker},
     * which must not let the repository's failed look-up roll its transaction back); Quartz's and Spring Integration's
     * in {@code batch/Partitioning} (live nodes, requests still held). The benchmarks' {@code BenchData} fills them in
     * its throwaway database.
     */
    @Test
    void eachFrameworksTablesAreNamedInOnePlace() throws IOException {
        Path root = Path.of("src/main/java/dev/billing");
        Map<Pattern, List<String>> owners = Map.of(
                Pattern.compile("(?i)\\bbatch_(job|step)_\\w+"), List.of("operations/", "batch/PartitionWorker.java", "bench/BenchData.java"),
                Pattern.compile("(?i)\\b(qrtz_\\w+|int_channel_message)\\b"), List.of("batch/Partitioning.java"));
        List<String> strays = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String relative = root.relativize(file).toString();
                String source = Files.readString(file);
                owners.forEach((table, places) -> {
                    Matcher m = table.matcher(source);
                    if (m.find() && places.stream().noneMatch(relative::startsWith)) {
                        strays.add(relative + " names " + m.group());
                    }
                });
            }
        }
        assertThat(strays).as("framework tables named outside their one place").isEmpty();
    }
}
