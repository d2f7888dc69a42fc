package dev.billing.batch;

import dev.billing.support.OperatorException;
import java.util.Comparator;
import java.util.List;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.launch.JobExecutionAlreadyRunningException;
import org.springframework.batch.core.launch.JobInstanceAlreadyCompleteException;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.launch.JobRestartException;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.stereotype.Service;

/**
 * Starts jobs for the command line and the scheduler, and turns Spring Batch's refusals into operator messages.
 * A job is started with the given parameters as they are: no incrementer, so the same parameters are the same
 * job instance and a failed instance started again resumes where it stopped.
 */
@Service
public class JobLauncherService {

    private final JobOperator jobOperator;
    private final JobRepository jobRepository;

    public JobLauncherService(JobOperator jobOperator, JobRepository jobRepository) {
        this.jobOperator = jobOperator;
        this.jobRepository = jobRepository;
    }

    /** Runs the job to its end in this thread and returns its execution. */
    public JobExecution start(Job job, JobParameters parameters) {
        try {
            return jobOperator.start(job, parameters);
        } catch (JobExecutionAlreadyRunningException e) {
            JobExecution running = jobRepository.getLastJobExecution(job.getName(), parameters);
            String id = running == null ? "?" : Long.toString(running.getId());
            throw new OperatorException(job.getName() + " with these parameters is already running as execution " + id
                    + "; wait for it, stop it ('jobs stop " + id + "'), or run 'jobs recover' if its process is gone");
        } catch (JobInstanceAlreadyCompleteException e) {
            throw new AlreadyCompletedException(jobRepository.getLastJobExecution(job.getName(), parameters));
        } catch (JobRestartException | InvalidJobParametersException e) {
            throw new OperatorException("cannot start " + job.getName() + ": " + e.getMessage());
        }
    }

    /** Every execution of the execution's job instance, oldest first. */
    public List<JobExecution> executionsOfInstance(JobExecution execution) {
        List<JobExecution> all = new java.util.ArrayList<>(jobRepository.getJobExecutions(execution.getJobInstance()));
        all.sort(Comparator.comparingLong(JobExecution::getId));
        return all;
    }

    /** The job instance for these parameters had already completed: nothing was run. */
    public static class AlreadyCompletedException extends RuntimeException {

        private static final long serialVersionUID = 1L;
        private final transient JobExecution completed;

        public AlreadyCompletedException(JobExecution completed) {
            super("already completed");
            this.completed = completed;
        }

        public JobExecution completed() {
            return completed;
        }
    }
}
