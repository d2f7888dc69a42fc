package dev.billing.batch;

import static org.awaitility.Awaitility.await;

import dev.billing.EngineTest;
import dev.billing.Fixtures;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.batch.integration.partition.StepExecutionRequest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.integration.support.MessageBuilder;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A request whose step execution the repository no longer has (its records were removed after it was sent) is
 * dropped: it must not stay at the head of the queue, retried forever, with every later night's requests behind it.
 */
@EngineTest
class PartitionWorkerFunctionalTests {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DataSource dataSource;
    @Autowired
    PartitionWorkers workers;

    @Test
    void aRequestForAStepExecutionThatIsGoneIsDropped() {
        Fixtures.resetEngineTables(jdbc);
        Partitioning.requestStore(dataSource).addMessageToGroup(Partitioning.REQUESTS,
                MessageBuilder.withPayload(new StepExecutionRequest("charge-partition", 987_654_321L)).build());

        PartitionWorker worker = workers.start();
        try {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> jdbc.queryForObject("SELECT count(*) FROM int_channel_message", Long.class) == 0);
        } finally {
            worker.close();
        }
    }
}
