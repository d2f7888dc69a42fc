package dev.billing.cli;

import dev.billing.batch.ExecutionOwnership;
import dev.billing.batch.PartitionWorker;
import dev.billing.batch.PartitionWorkers;
import dev.billing.command.CliContext;
import dev.billing.command.ExecutionPrinter;
import dev.billing.command.ExitCodes;
import dev.billing.gateway.GatewayAccounts;
import dev.billing.operations.Failover;
import dev.billing.operations.GracefulStop;
import dev.billing.operations.JobControl;
import dev.billing.scheduling.Schedule;
import dev.billing.scheduling.ScheduleFiles;
import dev.billing.scheduling.SchedulerService;
import dev.billing.support.EngineProperties;
import dev.billing.support.EngineThreads;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.quartz.Trigger;
import picocli.CommandLine.Command;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Runs the schedules of billing.schedules.dir (./jobs) with Quartz, clustered in the database, until SIGTERM/SIGINT;",
            "then stops after the current chunk. Missed nights (catch-up-days) run at start-up, oldest first."})
class ServeCommand implements Callable<Integer> {

    private final CliContext cli;

    ServeCommand(CliContext cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws Exception {
        // serve runs unattended: its decisions (firings, recoveries) go to the terminal too, not only to the log file
        cli.engine().override(Map.of("billing.log.console-level", "INFO", "logging.level.dev.billing", "INFO", "billing.progress.enabled", "false",
                "spring.main.web-application-type", "servlet", "billing.partitions.remote", "true"));
        // a node that may run a night refuses to start without a gateway: never the simulator by accident
        cli.engine().bean(GatewayAccounts.class).requireChosen();
        Path dir = cli.engine().bean(EngineProperties.class).schedules().dir();
        List<Schedule> schedules = ScheduleFiles.read(dir);
        SchedulerService service = cli.engine().bean(SchedulerService.class);
        service.apply(schedules);
        CountDownLatch stop = new CountDownLatch(1);
        // this node runs partitions of any node's night (the one that fires a night sends them to every serve node)
        PartitionWorker worker = cli.engine().bean(PartitionWorkers.class).start();
        // and resumes the nights of nodes that died or handed them over
        Failover failover = cli.engine().bean(Failover.class);
        failover.start(Duration.ofSeconds(1));
        // SIGTERM with other nodes live hands this node's nights and partitions over to them; on the last node it stops them
        GracefulStop.install(cli.engine().bean(JobControl.class), cli.engine().bean(ExecutionOwnership.class), cli.err(), id -> {
            if (otherNodes(worker) == 0) {
                return false;
            }
            failover.handOver(id);
            return true;
        }, stop::countDown);
        // the merchant's webhooks, delivered continuously (every node; a delivery is locked by the node making it)
        dev.billing.events.EventDispatcher events = cli.engine().bean(dev.billing.events.EventDispatcher.class);
        events.start(java.time.Duration.ofSeconds(1));
        // the customers' card-update notices (every node; a notice is locked by the node sending it)
        dev.billing.notices.NoticeSender notices = cli.engine().bean(dev.billing.notices.NoticeSender.class);
        notices.start(java.time.Duration.ofSeconds(1));
        service.start();
        for (Schedule s : schedules) {
            Trigger trigger = service.trigger(s);
            cli.out().printf("schedule %s: %s at '%s' (%s), business date %s; next %s%n", s.name(), s.job(), s.cron(), s.zone(),
                    s.previousDay() ? "the day before" : "the same day",
                    trigger == null || trigger.getNextFireTime() == null ? "-" : ExecutionPrinter.time(trigger.getNextFireTime().toInstant()));
        }
        cli.engine().bean(EngineThreads.class).thread("catch-up", () -> service.catchUp(schedules, Instant.now())).start();
        String port = cli.engine().context().getEnvironment().getProperty("local.server.port", "?");
        dev.billing.enrolment.EnrolmentProperties enrolment = cli.engine().bean(dev.billing.enrolment.EnrolmentProperties.class);
        cli.out().println(enrolment.enabled() ? "card enrolment on at /enrol (links from enrol-link or the merchant's site);"
                + " APS notifications at /aps/notifications"
                : "card enrolment off: billing.enrolment.secret is not set; APS notifications at /aps/notifications");
        if (enrolment.enabled() && enrolment.publicUrl() == null) {
            cli.out().println("card enrolment: billing.enrolment.public-url is not set, so the gateway sends customers back to this"
                    + " server's own address (port " + port + "); behind a proxy, set it to the https address customers reach");
        }
        if (notices.enabled()) {
            cli.out().println(notices.mailDir() == null ? "customer notices: sent by SMTP (spring.mail.host)"
                    : "customer notices: written as .eml files to " + notices.mailDir().toAbsolutePath().normalize()
                    + " (spring.mail.host is not set)");
        }
        cli.out().println("serving; health and Prometheus metrics on http://127.0.0.1:" + port + "/actuator/prometheus;"
                + " SIGTERM or Ctrl-C stops after the current chunk");
        stop.await();
        Duration bound = cli.engine().context().getEnvironment().getProperty("billing.serve.stop-timeout", Duration.class, Duration.ofMinutes(2));
        int others = otherNodes(worker);
        cli.out().println(others > 0 ? "stopping: handing this node's work over to " + others + " other live node(s) after the current chunk"
                : "stopping: waiting for running jobs to end their current chunk");
        // the stop is bounded: whatever waits longer (a gateway that never answers, a database gone), the process ends
        cli.engine().bean(EngineThreads.class).thread("stop-timeout", () -> {
            try {
                Thread.sleep(bound.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            cli.err().println("error: serve did not stop within " + bound.toSeconds() + " s (billing.serve.stop-timeout); exiting now;"
                    + " another node resumes its nights, or 'jobs recover' then 'jobs restart'");
            Runtime.getRuntime().halt(ExitCodes.FAILED);
        }).start();
        failover.stop();
        // no new firing from now on: one landing while the partition stops would start a night no worker here takes
        service.standby();
        worker.close();
        service.shutdown();
        failover.awaitResumed(bound);
        events.close();
        notices.close();
        return ExitCodes.OK;
    }

    /** The other live serve nodes (0 when that cannot be asked: this node then stops its work rather than hand it over). */
    private static int otherNodes(PartitionWorker worker) {
        try {
            return worker.otherLiveWorkers();
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
