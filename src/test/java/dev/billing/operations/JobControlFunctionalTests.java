package dev.billing.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.batch.ExecutionOwnership;
import dev.billing.batch.JobLauncherService;
import dev.billing.support.OperatorException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/** Operator commands against an execution that is running in a live process (this one). */
@EngineTest
@Import(JobControlFunctionalTests.SlowJob.class)
class JobControlFunctionalTests {

    static final AtomicReference<CountDownLatch> RELEASE = new AtomicReference<>(new CountDownLatch(1));

    @TestConfiguration
    static class SlowJob {
        @Bean
        Job slowJob(JobRepository jobRepository, PlatformTransactionManager tm, ExecutionOwnership ownership) {
            return new JobBuilder("slow-test-job", jobRepository)
                    .listener(ownership)
                    .start(new StepBuilder("wait", jobRepository).tasklet((contribution, context) -> {
                        return RELEASE.get().await(50, TimeUnit.MILLISECONDS) ? RepeatStatus.FINISHED : RepeatStatus.CONTINUABLE;
                    }, tm).build())
                    .build();
        }
    }

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    JobControl jobControl;
    @Autowired
    JobLauncherService launcher;
    @Autowired
    @Qualifier("slowJob")
    Job slowJob;

    private CompletableFuture<JobExecution> running;

    @BeforeEach
    void reset() {
        Fixtures.resetEngineTables(jdbc);
        RELEASE.set(new CountDownLatch(1));
    }

    @AfterEach
    void release() throws Exception {
        RELEASE.get().countDown();
        if (running != null) {
            running.get(30, TimeUnit.SECONDS);
        }
    }

    private long startSlowJob() {
        running = CompletableFuture.supplyAsync(() -> launcher.start(slowJob,
                new JobParametersBuilder().addString("run", UUID.randomUUID().toString()).toJobParameters()));
        return await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.query("""
                SELECT e.job_execution_id FROM batch_job_execution e JOIN batch_step_execution s USING (job_execution_id)
                WHERE e.status = 'STARTED' AND s.status = 'STARTED'""", (rs, n) -> rs.getLong(1)), r -> r.size() == 1).get(0);
    }

    @Test
    void recoverNeverTouchesAnExecutionWhoseProcessIsAlive() {
        long id = startSlowJob();

        assertThat(jobControl.recover()).singleElement().satisfies(r -> {
            assertThat(r.recovered()).isFalse();
            assertThat(r.reason()).isEqualTo("its process is alive");
        });
        assertThat(jobControl.get(id).getStatus()).isEqualTo(BatchStatus.STARTED);
        assertThatThrownBy(() -> jobControl.abandon(id)).isInstanceOf(OperatorException.class).hasMessageContaining("still running");
        assertThatThrownBy(() -> jobControl.restart(id)).isInstanceOf(OperatorException.class).hasMessageContaining("jobs recover");
    }

    @Test
    void stopThenAbandonAnExecution() throws Exception {
        long id = startSlowJob();

        assertThat(jobControl.stop(id)).isTrue();

        JobExecution stopped = running.get(30, TimeUnit.SECONDS);
        assertThat(stopped.getStatus()).isEqualTo(BatchStatus.STOPPED);
        assertThat(jobControl.recover()).isEmpty();
        assertThat(jobControl.stop(id)).as("not running any more").isFalse();

        assertThat(jobControl.abandon(id).getStatus()).isEqualTo(BatchStatus.ABANDONED);
        assertThatThrownBy(() -> jobControl.restart(id)).isInstanceOf(OperatorException.class).hasMessageContaining("ABANDONED");
    }
}
