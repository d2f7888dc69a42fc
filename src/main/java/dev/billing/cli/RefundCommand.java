package dev.billing.cli;

import dev.billing.command.CliContext;
import dev.billing.command.ExitCodes;
import dev.billing.refunds.RefundFile;
import dev.billing.refunds.RefundService.Result;
import dev.billing.refunds.RefundService;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code refund ORDER_ID --amount A --reason R}, or {@code refund --file refunds.csv}: refunds of charges that succeeded. */
@Command(name = "refund", mixinStandardHelpOptions = true,
        description = {"Refunds an order's charge, in full or in part, or the rows of a file (order_id,amount,currency,reason).",
            "A refund above billing.refunds.approval-above.<CUR> waits for a second person's approval in the console.",
            "Exit codes: 0 refunded (a file: every row); 1 refused by the gateway, or its outcome not known yet (run again);",
            "2 usage error, nothing to refund or more than is left; 3 some rows of the file rejected; 4 waiting for approval."})
class RefundCommand implements Callable<Integer> {

    private final CliContext cli;

    @Parameters(paramLabel = "ORDER_ID", arity = "0..1", description = "The order whose charge is refunded.")
    String orderId;

    @Option(names = "--amount", paramLabel = "A", description = "In major units (12.50); what is left to refund when not given.")
    String amount;

    @Option(names = "--reason", paramLabel = "R", description = "Why: kept with the refund and in the audit trail.")
    String reason;

    @Option(names = "--file", paramLabel = "FILE", description = "Many refunds: a CSV with the columns order_id,amount,currency,reason.")
    Path file;

    RefundCommand(CliContext cli) {
        this.cli = cli;
    }

    /** Who asks: the operating system's user, as the command line knows it. */
    static String user() {
        return "cli:" + System.getProperty("user.name", "unknown");
    }

    @Override
    public Integer call() throws InterruptedException {
        if ((file == null) == (orderId == null)) {
            cli.err().println("error: say what to refund: refund ORDER_ID --reason R [--amount A], or refund --file refunds.csv");
            return ExitCodes.USAGE;
        }
        if (file != null && (amount != null || reason != null)) {
            cli.err().println("error: --amount and --reason are a file's columns with --file");
            return ExitCodes.USAGE;
        }
        if (file != null) {
            return refundFile();
        }
        RefundService refunds = cli.engine().bean(RefundService.class);
        int unknown = refunds.settleOpen();
        if (unknown > 0) {
            cli.err().println("warning: " + unknown + " refunds sent earlier are still not known at the gateway; they are asked about again"
                    + " at the next refund command");
        }
        RefundService.Outcome outcome = refunds.refund(RefundService.Ask.of(orderId, amount, reason, user()));
        return switch (outcome.result()) {
            case REFUNDED -> {
                cli.out().println(outcome.message());
                yield ExitCodes.OK;
            }
            case WAITING -> {
                cli.out().println(outcome.message());
                yield ExitCodes.WAITING_FOR_APPROVAL;
            }
            case REFUSED -> {
                cli.err().println("error: " + outcome.message());
                yield ExitCodes.USAGE;
            }
            case FAILED, UNKNOWN -> {
                cli.err().println("error: " + outcome.message());
                yield ExitCodes.FAILED;
            }
        };
    }

    private int refundFile() throws InterruptedException {
        RefundFile.Summary summary = cli.engine().bean(RefundFile.class).refund(file, user(), line -> cli.out().println(file.getFileName()
                + ": " + line));
        int rejected = summary.count(Result.REFUSED) + summary.count(Result.FAILED);
        cli.out().printf("%s: %,d refunded, %,d waiting for approval, %,d rejected, %,d not known yet%n", file.getFileName(),
                summary.count(Result.REFUNDED), summary.count(Result.WAITING), rejected, summary.count(Result.UNKNOWN));
        if (summary.rejects() != null) {
            cli.out().println("rejected rows of " + file.getFileName() + " with the reasons: " + summary.rejects());
        }
        if (summary.count(Result.UNKNOWN) > 0) {
            cli.err().println("error: the outcome of " + summary.count(Result.UNKNOWN) + " refunds is not known yet; run the same file again"
                    + " to settle them (nothing is refunded twice)");
            return ExitCodes.FAILED;
        }
        if (rejected > 0) {
            return ExitCodes.ROWS_REJECTED;
        }
        return summary.count(Result.WAITING) > 0 ? ExitCodes.WAITING_FOR_APPROVAL : ExitCodes.OK;
    }
}
