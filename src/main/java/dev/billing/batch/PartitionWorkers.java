package dev.billing.batch;

import dev.billing.support.EngineThreads;
import javax.sql.DataSource;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;

/** Starts this process's {@link PartitionWorker} (serve nodes, and a benchmark of several nodes). */
@Component
public class PartitionWorkers {

    private final DataSource dataSource;
    private final PlatformTransactionManager transactionManager;
    private final JobRepository jobRepository;
    private final BeanFactory beans;
    private final EngineThreads threads;
    private final int perNode;
    private final ExecutionOwnership ownership;

    /** {@code perNode}: how many partitions this process runs at once at most ({@code billing.partitions.per-node}). */
    public PartitionWorkers(DataSource dataSource, PlatformTransactionManager transactionManager, JobRepository jobRepository,
                            BeanFactory beans, EngineThreads threads, ExecutionOwnership ownership, @org.springframework.beans.factory.annotation.Value("${billing.partitions.per-node:2}") int perNode) {
        this.perNode = perNode;
        this.ownership = ownership;
        this.threads = threads;
        this.dataSource = dataSource;
        this.transactionManager = transactionManager;
        this.jobRepository = jobRepository;
        this.beans = beans;
    }

    /** A worker taking partition requests from now on, until it is closed. */
    public PartitionWorker start() {
        PartitionWorker worker = new PartitionWorker(dataSource, transactionManager, jobRepository, beans, threads, ownership, perNode);
        worker.start();
        return worker;
    }
}
