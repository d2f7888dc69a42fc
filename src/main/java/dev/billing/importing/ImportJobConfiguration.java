package dev.billing.importing;

import dev.billing.batch.ExecutionOwnership;
import dev.billing.batch.JobExclusivity;
import dev.billing.batch.ProgressListener;
import dev.billing.batch.ProgressProperties;
import dev.billing.batch.StepLoggingContext;
import dev.billing.gateway.GatewayAccounts;
import dev.billing.ledger.AttemptQueries;
import dev.billing.support.EngineProperties;
import dev.billing.support.EngineThreads;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.listener.ChunkListener;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The {@code import} job: tokens first (orders refer to them), then orders, then the rejects report.
 * Each step streams its file in chunks; a restart continues after the last committed chunk, and every write is
 * an upsert, so a row read twice is still loaded once.
 */
@Configuration(proxyBeanMethods = false)
public class ImportJobConfiguration {

    public static final String JOB_NAME = "import";
    public static final String TOKENS_FILE = "tokens.file";
    public static final String ORDERS_FILE = "orders.file";
    public static final String REQUESTED_AT = "requested.at";

    @Bean
    Job importJob(JobRepository jobRepository, Step importTokensStep, Step importOrdersStep, Step importRejectsStep,
                  ExecutionOwnership ownership, DataSource dataSource) {
        return new JobBuilder(JOB_NAME, jobRepository)
                .listener(ownership)
                // one import at a time: each looks for its new orders before it copies them in
                .listener((JobExecutionListener) new JobExclusivity(dataSource))
                .start(importTokensStep)
                .next(importOrdersStep)
                .next(importRejectsStep)
                .build();
    }

    @Bean
    Step importTokensStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
                          ReadAhead<TokenRecord> tokensReader, TokenImportWriter tokenImportWriter, ProgressListener tokensProgress,
                          EngineProperties engine) {
        return new StepBuilder("import-tokens", jobRepository)
                .tasklet(new ImportTasklet<>(tokensReader, tokenImportWriter, engine.imports().chunkSize()), transactionManager)
                .stream(tokensReader)
                .listener(StepLoggingContext.INSTANCE)
                .listener((StepExecutionListener) tokenImportWriter)
                .listener((StepExecutionListener) tokensProgress)
                .listener((ChunkListener<?, ?>) tokensProgress)
                .build();
    }

    @Bean
    Step importOrdersStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
                          ReadAhead<OrderRecord> ordersReader, OrderImportWriter orderImportWriter, ProgressListener ordersProgress,
                          EngineProperties engine) {
        return new StepBuilder("import-orders", jobRepository)
                .tasklet(new ImportTasklet<>(ordersReader, orderImportWriter, engine.imports().chunkSize()), transactionManager)
                .stream(ordersReader)
                .listener(StepLoggingContext.INSTANCE)
                .listener((StepExecutionListener) orderImportWriter)
                .listener((StepExecutionListener) ordersProgress)
                .listener((ChunkListener<?, ?>) ordersProgress)
                .build();
    }

    @Bean
    Step importRejectsStep(JobRepository jobRepository, PlatformTransactionManager transactionManager,
                           RejectsReportTasklet rejectsReportTasklet) {
        return new StepBuilder("import-rejects-report", jobRepository)
                .tasklet(rejectsReportTasklet, transactionManager)
                .listener(StepLoggingContext.INSTANCE)
                .build();
    }

    @Bean
    @StepScope
    ReadAhead<TokenRecord> tokensReader(@Value("#{jobParameters['" + TOKENS_FILE + "']}") String file, EngineThreads threads) {
        return new ReadAhead<>(new CsvLineReader(file == null ? null : Path.of(file), ImportFileKind.TOKENS), new TokenRowValidator()::process,
                threads);
    }

    @Bean
    @StepScope
    ReadAhead<OrderRecord> ordersReader(@Value("#{jobParameters['" + ORDERS_FILE + "']}") String file, EngineThreads threads) {
        return new ReadAhead<>(new CsvLineReader(file == null ? null : Path.of(file), ImportFileKind.ORDERS), new OrderRowValidator()::process,
                threads);
    }

    @Bean
    @StepScope
    TokenImportWriter tokenImportWriter(JdbcTemplate jdbc, @Value("#{jobParameters['" + TOKENS_FILE + "']}") String file,
                                        GatewayAccounts accounts) {
        return new TokenImportWriter(jdbc, file == null ? null : Path.of(file), accounts);
    }

    @Bean
    @StepScope
    OrderImportWriter orderImportWriter(JdbcTemplate jdbc, PlatformTransactionManager transactionManager, AttemptQueries ledger,
                                        @Value("#{jobParameters['" + ORDERS_FILE + "']}") String file, EngineThreads threads,
                                        GatewayAccounts accounts) {
        return new OrderImportWriter(jdbc, transactionManager, ledger, file == null ? null : Path.of(file), threads, accounts);
    }

    @Bean
    @StepScope
    ProgressListener tokensProgress(ReadAhead<TokenRecord> tokensReader, @Value("#{jobParameters['" + TOKENS_FILE + "']}") String file,
                                    ProgressProperties progress) {
        return progress(tokensReader, file, progress);
    }

    @Bean
    @StepScope
    ProgressListener ordersProgress(ReadAhead<OrderRecord> ordersReader, @Value("#{jobParameters['" + ORDERS_FILE + "']}") String file,
                                    ProgressProperties progress) {
        return progress(ordersReader, file, progress);
    }

    private static ProgressListener progress(ReadAhead<?> reader, String file, ProgressProperties progress) {
        return new ProgressListener(file == null ? "" : Path.of(file).getFileName().toString(), reader::progress, progress.out(),
                progress.interval());
    }
}
