package dev.billing.console;

import dev.billing.audit.AuditLog;
import dev.billing.batch.StepSummary;
import dev.billing.ledger.OrderStatus;
import dev.billing.ledger.SimulatedNights;
import dev.billing.operations.JobControl;
import dev.billing.operations.JobRunner;
import dev.billing.refunds.RefundRequests;
import dev.billing.support.EngineThreads;
import dev.billing.support.OperatorException;
import dev.billing.support.Throwables;
import java.security.Principal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The console's pages: sign-in, the nights, the executions (with restart, stop and abandon for OPERATOR, each confirmed
 * on a page of its own), and the audit trail. Actions call {@link JobControl}, as {@code jobs} does; each is audited.
 */
@Controller
class ConsoleController implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ConsoleController.class);
    private static final List<String> ACTIONS = List.of("restart", "stop", "abandon");

    private final JobControl jobs;
    private final ConsoleUsers users;
    private final AuditLog audit;
    private final Nights nights;
    private final JobRunner runner;
    /** The business dates the nights page shows. */
    private static final int NIGHTS = 30;
    private final OrderHistory orders;
    /** Restarts run here, not in the request: a night takes minutes. */
    private final ExecutorService restarts;

    private final SimulatedNights simulated;
    private final RefundRequests refundRequests;

    private final dev.billing.gateway.GatewayAccounts accounts;

    ConsoleController(JobControl jobs, ConsoleUsers users, AuditLog audit, OrderHistory orders, Nights nights, JobRunner runner,
                      SimulatedNights simulated, EngineThreads threads, RefundRequests refundRequests,
                      dev.billing.gateway.GatewayAccounts accounts) {
        this.accounts = accounts;
        this.refundRequests = refundRequests;
        this.restarts = threads.pool("console-restart", 1);
        this.simulated = simulated;
        this.nights = nights;
        this.runner = runner;
        this.orders = orders;
        this.jobs = jobs;
        this.users = users;
        this.audit = audit;
    }

    @GetMapping("/login")
    String login(Model model) {
        model.addAttribute("noUsers", !users.any());
        return "console/login";
    }

    @GetMapping("/console")
    String nights(Model model) {
        LocalDate today = runner.today();
        LocalDate since = today.minusDays(NIGHTS - 1L);
        Nights.Figures figures = nights.figures(since);
        model.addAttribute("nights", figures.rows());
        model.addAttribute("statuses", nights.jobStatuses(since));
        model.addAttribute("charts", Nights.charts(figures.totals(), today, NIGHTS));
        model.addAttribute("chartWidth", NIGHTS * Nights.SLOT);
        model.addAttribute("severalAccounts", accounts.several());
        model.addAttribute("live", nights.live());
        model.addAttribute("simulated", simulated.since(since).stream().map(LocalDate::toString).collect(java.util.stream.Collectors.toSet()));
        return "console/nights";
    }

    @GetMapping("/console/executions")
    String executions(@RequestParam(required = false) String job, @RequestParam(required = false) String status,
                      @RequestParam(required = false) String date, Model model) {
        String wantedStatus = blankToNull(status);
        List<JobControl.ExecutionSummary> all = jobs.list(blankToNull(job),
                wantedStatus == null ? null : wantedStatus.toUpperCase(java.util.Locale.ROOT), blankToNull(date), 200);
        model.addAttribute("executions", all);
        model.addAttribute("job", job);
        model.addAttribute("status", status);
        model.addAttribute("date", date);
        return "console/executions";
    }

    /** One step as the detail page shows it. */
    record StepRow(String name, String status, long read, long written, String summary) {
    }

    @GetMapping("/console/executions/{id}")
    String execution(@PathVariable long id, Model model) {
        JobExecution execution;
        try {
            execution = jobs.get(id);
        } catch (RuntimeException e) {
            model.addAttribute("message", "There is no job execution " + id + ".");
            return "console/missing";
        }
        List<StepRow> steps = new ArrayList<>();
        for (StepExecution step : execution.getStepExecutions()) {
            steps.add(new StepRow(step.getStepName(), step.getStatus().name(), step.getReadCount(), step.getWriteCount(),
                    String.join("; ", StepSummary.of(step))));
        }
        model.addAttribute("execution", execution);
        LocalDate date = JobControl.businessDate(execution);
        model.addAttribute("simulated", date != null && simulated.on(date));
        model.addAttribute("steps", steps);
        model.addAttribute("parameters", execution.getJobParameters().parameters().stream()
                .map(p -> p.name() + "=" + p.value()).sorted().collect(java.util.stream.Collectors.joining(", ")));
        String error = error(execution);
        model.addAttribute("error", error);
        JobExecution later = jobs.restartedAs(execution);
        model.addAttribute("later", later);
        model.addAttribute("next", later == null ? next(execution, error) : "It was restarted as execution " + later.getId() + ": act on that one.");

        return "console/execution";
    }

    /**
     * Why it failed, in one line: the first line of the failed step's exit message (the job's own, when no step failed),
     * without the exception's class name. Never the stack trace.
     */
    static String error(JobExecution execution) {
        java.util.stream.Stream<String> descriptions = java.util.stream.Stream.concat(
                execution.getStepExecutions().stream().filter(s -> s.getStatus().isUnsuccessful())
                        .map(s -> s.getStepName() + ": " + firstLine(s.getExitStatus().getExitDescription())),
                java.util.stream.Stream.of(firstLine(execution.getExitStatus().getExitDescription())));
        return descriptions.filter(d -> !d.isBlank() && !d.endsWith(": ")).findFirst().orElse("");
    }

    private static String firstLine(String text) {
        if (text == null || text.isBlank()) {
            return "";
        }
        return Throwables.withoutClassName(text.lines().findFirst().orElse(""));
    }

    private static String next(JobExecution execution, String error) {
        return switch (execution.getStatus()) {
            case FAILED, STOPPED -> {
                String fix = error.contains("misconfigured")
                        ? "The gateway refused the engine's settings: fix the gateway settings (billing.gateway.*) the message names, then "
                        : "";
                yield fix + (fix.isEmpty() ? "Restart" : "restart") + " it: it resumes from its last committed chunk; nothing done is done again.";
            }
            case STARTED, STARTING -> "It is running. Stop it to end it after the current chunk; a dead process's execution is"
                    + " recovered by 'jobs recover'.";
            case STOPPING -> "It stops after its current chunk.";
            default -> "Nothing to do.";
        };
    }

    @GetMapping("/console/executions/{id}/confirm")
    String confirm(@PathVariable long id, @RequestParam String action, Model model) {
        if (!ACTIONS.contains(action)) {
            model.addAttribute("message", "There is no such action.");
            return "console/missing";
        }
        return Confirmation.page(model, "Do you want to " + action + " execution " + id + "?", "/console/executions/" + id + "/" + action,
                Map.of(), "Yes, " + action + " it", "/console/executions/" + id);
    }

    @PostMapping("/console/executions/{id}/{action}")
    String act(@PathVariable long id, @PathVariable String action, Principal who, RedirectAttributes flash) {
        String target = "execution " + id;
        String result;
        try {
            result = switch (action) {
                case "restart" -> {
                    jobs.restartable(id, false); // refused here, in words, when it cannot be restarted (running, say)
                    restarts.execute(() -> {
                        try {
                            JobExecution restarted = jobs.restart(id);
                            audit.append(who.getName(), "RESTART_ENDED", target, "execution " + restarted.getId() + " ended "
                                    + restarted.getStatus());
                        } catch (RuntimeException e) {
                            audit.append(who.getName(), "RESTART_ENDED", target, "refused: " + e.getMessage());
                            log.warn("Restart of {} from the console: {}", target, e.getMessage());
                        }
                    });
                    yield "restart started";
                }
                case "stop" -> jobs.stop(id) ? "asked to stop after its current chunk" : "was not running";
                case "abandon" -> "abandoned (" + jobs.abandon(id).getStatus() + ")";
                default -> throw new OperatorException("there is no action '" + action + "'");
            };
        } catch (OperatorException e) {
            result = "refused: " + e.getMessage();
        } catch (RuntimeException e) {
            result = "refused: " + e.getMessage();
        }
        audit.append(who.getName(), action.toUpperCase(java.util.Locale.ROOT), target, result);
        flash.addFlashAttribute("notice", capitalized(action) + " of execution " + id + ": " + result);
        return "redirect:/console/executions/" + id;
    }

    @GetMapping("/console/executions/recover")
    String confirmRecover(Model model) {
        return Confirmation.page(model, "Recover dead executions? Every execution left running by a process that is gone is marked"
                + " FAILED, so that it can be restarted; one whose process runs is left alone.", "/console/executions/recover", Map.of(),
                "Yes, recover them", "/console/executions");
    }

    @PostMapping("/console/executions/recover")
    String recover(Principal who, RedirectAttributes flash) {
        String result;
        try {
            List<JobControl.Recovery> recoveries = jobs.recover();
            result = recoveries.isEmpty() ? "no execution was left running" : String.join("; ", recoveries.stream()
                    .map(r -> "execution " + r.execution().getId() + (r.recovered() ? " recovered, now " + r.execution().getStatus()
                            : " left alone: " + r.reason())).toList());
        } catch (RuntimeException e) {
            result = "refused: " + e.getMessage();
        }
        audit.append(who.getName(), "RECOVER", "dead executions", result);
        flash.addFlashAttribute("notice", "Recover: " + result);
        return "redirect:/console/executions";
    }

    @GetMapping("/console/orders")
    String search(@RequestParam(name = "q", required = false) String term, Model model) {
        String q = term == null ? "" : term.strip();
        List<OrderHistory.Found> found = q.isEmpty() || q.length() > 100 ? List.of() : orders.search(q);
        if (found.size() == 1) {
            return "redirect:/console/orders/" + org.springframework.web.util.UriUtils.encodePathSegment(
                    found.get(0).orderId(), java.nio.charset.StandardCharsets.UTF_8);
        }
        model.addAttribute("q", q);
        model.addAttribute("found", found);
        return "console/search";
    }

    @GetMapping("/console/orders/{orderId}")
    String order(@PathVariable String orderId, Model model) {
        var order = orders.order(orderId);
        if (order.isEmpty()) {
            model.addAttribute("message", "There is no order " + orderId + ".");
            return "console/missing";
        }
        model.addAttribute("order", order.get());
        List<OrderHistory.Attempt> attempts = orders.attempts(orderId);
        model.addAttribute("attempts", attempts);
        model.addAttribute("events", orders.events(orderId, attempts));
        model.addAttribute("held", orders.held(orderId));
        model.addAttribute("refundable", OrderStatus.of(order.get().status()) == OrderStatus.PAID
                || OrderStatus.of(order.get().status()) == OrderStatus.PARTIALLY_REFUNDED);
        model.addAttribute("refundRequests", refundRequests.ofOrder(orderId));
        return "console/order";
    }

    /** The audit page: newest first, a page at a time, filtered by who, what, result and day (UTC). */
    @GetMapping("/console/audit")
    String auditTrail(@RequestParam(required = false) String actor, @RequestParam(required = false) String action,
                      @RequestParam(required = false) String result, @RequestParam(required = false) String date,
                      @RequestParam(required = false) Long before, Model model) {
        LocalDate day = null;
        if (date != null && !date.isBlank()) {
            try {
                day = LocalDate.parse(date.strip());
            } catch (java.time.format.DateTimeParseException e) {
                model.addAttribute("problem", "'" + date.strip() + "' is not a date; write it as 2026-12-02.");
            }
        }
        AuditLog.Filter filter = new AuditLog.Filter(actor, action, result, day, before);
        List<AuditLog.Entry> entries = audit.search(filter, AUDIT_PAGE + 1);
        boolean more = entries.size() > AUDIT_PAGE;
        List<AuditLog.Entry> shown = more ? entries.subList(0, AUDIT_PAGE) : entries;
        model.addAttribute("entries", shown);
        model.addAttribute("actions", audit.actions());
        model.addAttribute("filter", filter);
        model.addAttribute("date", date == null ? "" : date.strip());
        model.addAttribute("older", more ? shown.get(shown.size() - 1).id() : null);
        return "console/audit";
    }

    /** Entries per page of the audit trail. */
    static final int AUDIT_PAGE = 100;

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

    private static String capitalized(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    @Override
    public void destroy() {
        restarts.shutdownNow();
    }
}
