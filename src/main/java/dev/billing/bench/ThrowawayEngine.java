package dev.billing.bench;

import dev.billing.command.CliContext;
import dev.billing.command.EngineContext;
import dev.billing.database.EmbeddedPostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The engine of a benchmark: its embedded database and reports in a temporary directory of their own, so that a
 * benchmark never touches the user's data; closing it stops the engine and its database and deletes the directory.
 */
final class ThrowawayEngine implements AutoCloseable {

    private final CliContext cli;
    private final Path work;

    private ThrowawayEngine(CliContext cli, Path work) {
        this.cli = cli;
        this.work = work;
    }

    /** A temporary directory named after {@code name}; the engine, once started, keeps its data there, with {@code settings}. */
    static ThrowawayEngine create(CliContext cli, String name, Map<String, Object> settings) throws IOException {
        Path work = Files.createTempDirectory("billing-" + name);
        Map<String, Object> all = new HashMap<>(settings);
        all.put("billing.data-dir", work.resolve("data").toString());
        all.put("billing.reports.dir", work.resolve("reports").toString());
        all.put("billing.gateway.simulator", "true"); // a benchmark measures against the built-in simulator
        for (String setting : new java.util.TreeSet<>(all.keySet())) {
            cli.engine().userValue(setting).ifPresent(value -> cli.err().println(
                    setting.equals("billing.data-dir") || setting.equals("billing.reports.dir")
                            ? "--" + setting + "=" + value + " is ignored: " + name + " runs in a throwaway database and directory of its own"
                            : "--" + setting + "=" + value + " is ignored: " + name + " sets it from its own options (see --help)"));
        }
        cli.engine().override(all);
        return new ThrowawayEngine(cli, work);
    }

    /** The engine itself (started on first use). */
    EngineContext engine() {
        return cli.engine();
    }

    /** The temporary directory, for the benchmark's own files. */
    Path work() {
        return work;
    }

    @Override
    public void close() {
        cli.engine().close();
        EmbeddedPostgresServer.stopIfRunning(work.resolve("data"));
        deleteTree(work);
    }

    static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // a temp directory left behind is harmless
        }
    }
}
