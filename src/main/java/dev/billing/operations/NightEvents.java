package dev.billing.operations;

import dev.billing.events.EventType;
import dev.billing.events.Outbox;
import dev.billing.tokens.ExpiringCards;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.stereotype.Component;

/**
 * {@code night.completed} and {@code night.failed}: written when a night ends (a stopped night is neither: it is
 * resumed), with its execution id, business date and step counts, for the merchant's systems to act on. As a night
 * begins, the cards that expire before their next due charge ({@code token.expiring}, once per card expiry).
 */
@Component
public class NightEvents implements JobExecutionListener {

    private final Outbox outbox;
    private final ExpiringCards expiring;

    public NightEvents(Outbox outbox, ExpiringCards expiring) {
        this.outbox = outbox;
        this.expiring = expiring;
    }

    @Override
    public void beforeJob(JobExecution night) {
        java.time.LocalDate date = JobControl.businessDate(night);
        if (date != null) {
            expiring.report(date);
        }
    }

    @Override
    public void afterJob(JobExecution night) {
        if (night.getStatus() != BatchStatus.COMPLETED && night.getStatus() != BatchStatus.FAILED) {
            return;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("job_execution_id", night.getId());
        java.time.LocalDate date = JobControl.businessDate(night);
        data.put("business_date", date == null ? null : date.toString());
        data.put("status", night.getStatus().name());
        data.put("exit", night.getExitStatus().getExitCode());
        outbox.append(night.getStatus() == BatchStatus.COMPLETED ? EventType.NIGHT_COMPLETED : EventType.NIGHT_FAILED, data);
    }
}
