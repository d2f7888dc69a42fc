package dev.billing.cli;

import dev.billing.audit.AuditLog;
import dev.billing.command.CliContext;
import dev.billing.command.ExecutionPrinter;
import dev.billing.command.ExitCodes;
import dev.billing.console.ConsoleUsers;
import dev.billing.console.Role;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The console's users: {@code users add|list|remove|passwd}. Passwords from the terminal, or one line on stdin. */
@Command(name = "users", mixinStandardHelpOptions = true, description = "The console's users and their roles (VIEWER, FINANCE, OPERATOR).",
        subcommands = {UsersCommand.Add.class, UsersCommand.ListUsers.class, UsersCommand.Remove.class, UsersCommand.Passwd.class})
class UsersCommand implements Callable<Integer> {

    private final CliContext cli;

    UsersCommand(CliContext cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        cli.err().println("error: say which: users add NAME --role ROLE | list | remove NAME | passwd NAME (see users --help)");
        return ExitCodes.USAGE;
    }

    /** A password typed twice at the terminal, or one line of stdin; null (with the reason printed) when there is none. */
    @SuppressWarnings("SystemConsoleNull") // Java 17: null means no terminal, which is what is checked
    static String password(CliContext cli, boolean fromStdin) throws IOException {
        String password;
        if (fromStdin) {
            password = new BufferedReader(new InputStreamReader(cli.in(), StandardCharsets.UTF_8)).readLine();
        } else {
            Console console = System.console();
            if (console == null) {
                cli.err().println("error: no terminal to type the password on; pipe it in with --password-stdin");
                return null;
            }
            char[] first = console.readPassword("Password (at least %d characters): ", ConsoleUsers.MIN_PASSWORD);
            char[] second = console.readPassword("Again: ");
            if (first == null || second == null || !Arrays.equals(first, second)) {
                cli.err().println("error: the two passwords differ");
                return null;
            }
            password = new String(first);
        }
        if (password == null || password.length() < ConsoleUsers.MIN_PASSWORD) {
            cli.err().println("error: the password must be at least " + ConsoleUsers.MIN_PASSWORD + " characters");
            return null;
        }
        return password;
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Adds a user with a role.")
    static class Add implements Callable<Integer> {
        private final CliContext cli;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--role", required = true, description = "VIEWER, FINANCE or OPERATOR.")
        String role;

        @Option(names = "--password-stdin", description = "Read the password from one line of standard input.")
        boolean stdin;

        Add(CliContext cli) {
            this.cli = cli;
        }

        @Override
        public Integer call() throws IOException {
            Role parsed = Role.parse(role);
            String refusal = parsed == null ? "--role must be VIEWER, FINANCE or OPERATOR" : ConsoleUsers.refusal(name, null);
            if (refusal != null) {
                cli.err().println("error: " + refusal);
                return ExitCodes.USAGE;
            }
            String password = password(cli, stdin);
            if (password == null) {
                return ExitCodes.USAGE;
            }
            if (!cli.engine().bean(ConsoleUsers.class).add(name, parsed, password)) {
                cli.err().println("error: a user named " + name + " exists already; 'users passwd " + name + "' changes its password");
                return ExitCodes.USAGE;
            }
            cli.engine().bean(AuditLog.class).append("(command line)", "USER_ADDED", name, "role " + parsed);
            cli.out().println("added " + name + " (" + parsed + ")");
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The users, their roles, and who is locked.")
    static class ListUsers implements Callable<Integer> {
        private final CliContext cli;

        ListUsers(CliContext cli) {
            this.cli = cli;
        }

        @Override
        public Integer call() {
            var people = cli.engine().bean(ConsoleUsers.class).list();
            if (people.isEmpty()) {
                cli.out().println("no users; add one with: users add NAME --role OPERATOR");
            }
            for (ConsoleUsers.Person p : people) {
                cli.out().printf("%-24s %-9s %s%n", p.name(), p.role(), p.lockedUntil() != null && p.lockedUntil().isAfter(java.time.Instant.now())
                        ? "locked until " + ExecutionPrinter.time(p.lockedUntil()) : "");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Removes a user.")
    static class Remove implements Callable<Integer> {
        private final CliContext cli;

        @Parameters(paramLabel = "NAME")
        String name;

        Remove(CliContext cli) {
            this.cli = cli;
        }

        @Override
        public Integer call() {
            if (!cli.engine().bean(ConsoleUsers.class).remove(name)) {
                cli.err().println("error: there is no user named " + name);
                return ExitCodes.USAGE;
            }
            cli.engine().bean(AuditLog.class).append("(command line)", "USER_REMOVED", name, "removed");
            cli.out().println("removed " + name);
            return ExitCodes.OK;
        }
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Sets a user's password (and lifts a lock).")
    static class Passwd implements Callable<Integer> {
        private final CliContext cli;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--password-stdin", description = "Read the password from one line of standard input.")
        boolean stdin;

        Passwd(CliContext cli) {
            this.cli = cli;
        }

        @Override
        public Integer call() throws IOException {
            String password = password(cli, stdin);
            if (password == null) {
                return ExitCodes.USAGE;
            }
            if (!cli.engine().bean(ConsoleUsers.class).changePassword(name, password)) {
                cli.err().println("error: there is no user named " + name);
                return ExitCodes.USAGE;
            }
            cli.engine().bean(AuditLog.class).append("(command line)", "PASSWORD_CHANGED", name, "changed");
            cli.out().println("password of " + name + " changed");
            return ExitCodes.OK;
        }
    }
}
