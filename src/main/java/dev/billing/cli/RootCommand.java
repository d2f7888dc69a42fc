package dev.billing.cli;

import dev.billing.bench.BenchCommand;
import dev.billing.bench.BenchConsoleCommand;
import dev.billing.bench.BenchEventsCommand;
import dev.billing.bench.BenchGatewayCommand;
import dev.billing.bench.BenchImportCommand;
import dev.billing.bench.BenchNightCommand;
import dev.billing.bench.BenchNotificationsCommand;
import dev.billing.bench.BenchRefundsCommand;
import dev.billing.bench.BenchReportCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

@Command(name = "billing-engine",
        mixinStandardHelpOptions = true,
        version = "billing-engine 0.1.0",
        description = {
            "Scheduled batch billing for Amazon Payment Services stored card tokens.",
            "Spring properties may follow any command as --name=value (e.g. --billing.data-dir=/var/lib/billing)."
        },
        subcommands = {DemoCommand.class, ImportCommand.class, RunCommand.class, JobsCommand.class, ServeCommand.class, SimulatorCommand.class, BenchCommand.class, BenchImportCommand.class, BenchGatewayCommand.class, BenchNotificationsCommand.class, BenchConsoleCommand.class, BenchNightCommand.class, EnrolLinkCommand.class, UsersCommand.class, RefundCommand.class, BenchRefundsCommand.class, BenchReportCommand.class, BenchEventsCommand.class, BackupCommand.class, RestoreCommand.class},
        usageHelpAutoWidth = true)
class RootCommand {

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Print log lines and stack traces on the terminal.")
    boolean debug;
}
