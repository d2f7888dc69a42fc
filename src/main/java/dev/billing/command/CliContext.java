package dev.billing.command;

import java.io.PrintStream;

/** What every command is given: the engine's context, and where to print. */
public record CliContext(EngineContext engine, PrintStream out, PrintStream err) {
}
