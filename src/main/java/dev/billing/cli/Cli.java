package dev.billing.cli;

import dev.billing.command.CliContext;
import dev.billing.command.EngineContext;
import dev.billing.command.ExitCodes;
import dev.billing.database.EmbeddedDatabaseException;
import dev.billing.operations.BusinessDates;
import dev.billing.operations.UnknownExecutionException;
import dev.billing.support.InvalidInputException;
import dev.billing.support.OperatorException;
import dev.billing.support.SecretFiles;
import dev.billing.support.Throwables;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * Parses the command line and runs one command. Arguments of the form {@code --some.property=value} (a name with
 * a dot) are Spring properties; the rest belong to the command. A failure is one line on stderr; the stack trace
 * only with {@code --debug}.
 */
public final class Cli {

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, Object> defaults;
    private final InputStream in;

    public Cli(PrintStream out, PrintStream err) {
        this(out, err, Map.of("billing.progress.enabled", "true"));
    }

    /** With the Spring properties every command of this CLI starts with (tests turn progress output off). */
    public Cli(PrintStream out, PrintStream err, Map<String, Object> defaults) {
        this(out, err, defaults, System.in);
    }

    /** Reading what is piped in (a password with --password-stdin) from {@code in}. */
    public Cli(PrintStream out, PrintStream err, Map<String, Object> defaults, InputStream in) {
        this.out = out;
        this.err = err;
        this.defaults = defaults;
        this.in = in;
    }

    public int execute(String... args) {
        List<String> springArgs = new ArrayList<>();
        List<String> commandArgs = new ArrayList<>();
        for (String arg : args) {
            (isSpringProperty(arg) ? springArgs : commandArgs).add(arg);
        }
        boolean debug = commandArgs.contains("--debug");
        for (String secret : SecretFiles.onCommandLine(springArgs)) {
            err.println("warning: " + secret + " is given on the command line, where every local user can read it (ps); give "
                    + secret + "-file=PATH instead, a file only its owner can read");
        }
        Map<String, Object> settings = new java.util.HashMap<>(defaults);
        if (debug) {
            settings.putAll(DEBUG_LOGGING);
        }
        try (EngineContext engine = new EngineContext(springArgs, settings)) {
            CliContext context = new CliContext(engine, out, err, in);
            CommandLine commandLine = new CommandLine(new RootCommand(), new Factory(context));
            commandLine.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
            commandLine.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
            commandLine.setParameterExceptionHandler((e, a) -> {
                err.println("error: " + e.getMessage() + " (see --help)");
                return ExitCodes.USAGE;
            });
            commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> report(e, debug));
            return commandLine.execute(commandArgs.toArray(String[]::new));
        } catch (RuntimeException e) {
            return report(e, debug);
        }
    }

    /**
     * What {@code --debug} shows on the terminal (logback-spring.xml reads them as Spring settings): the engine's own
     * lines from INFO with their stack traces, the libraries' and Spring Batch's warnings, start-up failures.
     */
    private static final Map<String, Object> DEBUG_LOGGING = Map.of("billing.log.console-level", "INFO",
            "billing.log.console-exceptions", "%ex", "billing.log.library-console-level", "WARN",
            "billing.log.batch-console-level", "WARN", "billing.log.startup-failure-level", "ERROR");

    static boolean isSpringProperty(String arg) {
        if (!arg.startsWith("--")) {
            return false;
        }
        int eq = arg.indexOf('=');
        String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
        return name.contains(".");
    }

    private int report(Exception e, boolean debug) {
        if (debug) {
            e.printStackTrace(err);
        }
        org.springframework.boot.context.properties.bind.BindException setting =
                find(e, org.springframework.boot.context.properties.bind.BindException.class);
        if (setting != null) {
            String root = Throwables.rootMessage(e);
            String property = setting.getProperty() == null ? setting.getName().toString()
                    : setting.getProperty().getName() + "=" + setting.getProperty().getValue();
            err.println("error: " + (root.startsWith("billing.") ? root : "the setting " + property + " is not valid: " + root)
                    + "; the engine did not start");
            return ExitCodes.USAGE;
        }
        InvalidInputException usage = find(e, InvalidInputException.class);
        if (usage != null) {
            err.println("error: " + usage.getMessage() + (usage instanceof BusinessDates.FutureDateException
                    ? "; give --allow-future-date to run it anyway (audited)" : ""));
            return ExitCodes.USAGE;
        }
        UnknownExecutionException unknown = find(e, UnknownExecutionException.class);
        if (unknown != null) {
            err.println("error: " + unknown.getMessage());
            return ExitCodes.USAGE;
        }
        OperatorException operator = find(e, OperatorException.class);
        if (operator != null) {
            err.println("error: " + operator.getMessage());
            return ExitCodes.FAILED;
        }
        EmbeddedDatabaseException database = find(e, EmbeddedDatabaseException.class);
        if (database != null) {
            err.println("error: " + database.getMessage());
            return ExitCodes.FAILED;
        }
        java.sql.SQLException sql = find(e, java.sql.SQLException.class);
        if (sql != null && sql.getSQLState() != null && sql.getSQLState().startsWith("08")) {
            err.println("error: cannot reach the database (" + Throwables.rootMessage(e) + "); check spring.datasource.url and that"
                    + " PostgreSQL runs, then run the command again" + (debug ? "" : " (--debug for details)"));
            return ExitCodes.FAILED;
        }
        err.println("error: " + Throwables.rootMessage(e) + (debug ? "" : " (run again with --debug for details)"));
        return ExitCodes.FAILED;
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** Gives commands that take a {@link CliContext} their context. */
    private record Factory(CliContext context) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            for (Constructor<?> constructor : type.getDeclaredConstructors()) {
                if (constructor.getParameterCount() == 1 && constructor.getParameterTypes()[0] == CliContext.class) {
                    constructor.setAccessible(true);
                    return type.cast(constructor.newInstance(context));
                }
            }
            return CommandLine.defaultFactory().create(type);
        }
    }
}
