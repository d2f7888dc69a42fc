package dev.billing.command;

import java.io.InputStream;
import java.io.PrintStream;

/** What every command is given: the engine's context, where to print, and where to read what is piped in. */
public record CliContext(EngineContext engine, PrintStream out, PrintStream err, InputStream in) {
}
