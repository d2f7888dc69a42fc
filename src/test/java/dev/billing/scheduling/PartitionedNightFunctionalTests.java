package dev.billing.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.billing.EngineProcess;
import dev.billing.EngineTest;
import dev.billing.batch.PartitionNodes;
import dev.billing.gateway.GatewayProperties;
import dev.billing.simulator.ApsSimulator;
import dev.billing.simulator.SimulatorProperties;
import dev.billing.simulator.SimulatorStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Three real 'serve' processes on one database and one gateway (a simulator in this JVM, 50 ms a call, that records
 * the most calls it ever had in flight), one budget of 12 calls for the account: the night's charge step is split in
 * three partitions, which run on the three nodes; a node running a partition (not the one managing the night) is
 * killed with SIGKILL; another node finishes its partition; the night completes with every order charged exactly
 * once, and the gateway never saw more than 12 calls at once.
 */
@EngineTest
class PartitionedNightFunctionalTests {

    private static final int ORDERS = 3000;
    private static final int MAX_CONCURRENCY = 12;

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DataSource dataSource;
    @Autowired
    JobRepository jobRepository;
    @TempDir
    Path dir;

    @Test
    void threeNodesShareTheNightAndTheBudgetAndASurvivorFinishesTheKilledNodesPartition() throws Exception {
        Path schedules = ClusterNight.setUp(jdbc, dir, "pn", 300, ORDERS);
        GatewayProperties merchant = new GatewayProperties(null, "AccessPN1", "MPN1", "rq-pn", "rs-pn", "SHA-256", "en",
                Duration.ofSeconds(5), Duration.ofSeconds(2), MAX_CONCURRENCY, 0, null, null);
        SimulatorProperties slow = new SimulatorProperties(Duration.ofMillis(50), 0, 0, 0, 0, null, 0, false, 0, 64, null, null);
        List<Process> nodes = new ArrayList<>();
        try (ApsSimulator gateway = new ApsSimulator(new SimulatorStore(dataSource, false), merchant, slow, 0)) {
            for (int i = 0; i < 3; i++) {
                nodes.add(EngineProcess.start(EngineProcess.log("partitioned-node-" + i + ".log"), "serve",
                        "--billing.schedules.dir=" + schedules, "--server.port=0",
                        "--billing.gateway.url=" + gateway.url(), "--billing.gateway.access-code=AccessPN1",
                        "--billing.gateway.merchant-identifier=MPN1", "--billing.gateway.request-phrase=rq-pn",
                        "--billing.gateway.response-phrase=rs-pn", "--billing.gateway.max-concurrency=" + MAX_CONCURRENCY,
                        "--billing.partitions.count=3",
                        "--spring.quartz.properties.org.quartz.jobStore.clusterCheckinInterval=2000"));
            }

            // all three partitions running, each on its own node
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> runningPartitionNodes().size() == 3);
            long managerPid = jdbc.queryForObject("SELECT pid FROM running_jobs WHERE job_name = 'charge-orders'", Long.class);
            StepExecution victim = runningPartitions().stream().filter(s -> !PartitionNodes.node(s).endsWith(":" + managerPid))
                    .findFirst().orElseThrow();
            Process killed = nodes.stream().filter(p -> PartitionNodes.node(victim).endsWith(":" + p.pid())).findFirst().orElseThrow();
            long paidBefore = paid();
            killed.destroyForcibly();
            assertThat(killed.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(paidBefore).as("killed mid-night").isLessThan(ORDERS);

            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500)).until(() -> "COMPLETED".equals(lastStatus()));

            long id = jdbc.queryForObject("SELECT max(job_execution_id) FROM batch_job_execution", Long.class);
            List<StepExecution> partitions = jdbc.queryForList("""
                    SELECT step_execution_id FROM batch_step_execution WHERE job_execution_id = ? AND step_name LIKE 'charge-partition:%'""",
                    Long.class, id).stream().map(jobRepository::getStepExecution).toList();
            assertThat(partitions).hasSize(3).allMatch(s -> s.getStatus() == BatchStatus.COMPLETED);
            String takenOver = PartitionNodes.nodes(jobRepository.getStepExecution(victim.getId()));
            assertThat(takenOver).as("the killed node's partition was finished by another node")
                    .startsWith(PartitionNodes.node(victim) + ", ").doesNotEndWith(":" + killed.pid());
            assertThat(jdbc.queryForObject("""
                    SELECT count(*) FROM batch_job_execution e JOIN batch_job_instance i USING (job_instance_id)
                    WHERE i.job_name = 'charge-orders'""", Long.class)).as("one execution: the night was never restarted").isEqualTo(1);

            assertThat(paid()).isEqualTo(ORDERS);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM aps_simulator.orders WHERE captured_amount > 0", Long.class))
                    .as("charged at the gateway exactly once each").isEqualTo(ORDERS);
            assertThat(jdbc.queryForObject("SELECT count(DISTINCT merchant_reference) FROM aps_simulator.orders WHERE captured_amount > 0",
                    Long.class)).isEqualTo(ORDERS);
            assertThat(jdbc.queryForObject("""
                    SELECT count(*) FROM (SELECT o.order_id FROM aps_simulator.orders s
                    JOIN payment_attempts a ON a.merchant_reference = s.merchant_reference
                    JOIN orders o ON o.order_id = a.order_id WHERE s.captured_amount > 0 GROUP BY o.order_id HAVING count(*) > 1) twice""",
                    Long.class)).as("no order charged twice").isZero();
            assertThat(jdbc.queryForObject("SELECT count(*) FROM payment_attempts WHERE state IN ('PREPARED', 'UNKNOWN')", Long.class)).isZero();
            assertThat(gateway.maxInFlight()).as("calls the gateway had at once").isBetween(2, MAX_CONCURRENCY);
        } finally {
            for (Process node : nodes) {
                node.destroyForcibly();
                node.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** The partitions of the charge step running now, on a node that has recorded itself. */
    private List<StepExecution> runningPartitions() {
        return jdbc.queryForList("SELECT step_execution_id FROM batch_step_execution WHERE step_name LIKE 'charge-partition:%' AND status = 'STARTED'",
                Long.class).stream().map(jobRepository::getStepExecution).filter(s -> PartitionNodes.node(s) != null).toList();
    }

    /** The distinct nodes running a partition of the charge step now. */
    private java.util.Set<String> runningPartitionNodes() {
        return runningPartitions().stream().map(PartitionNodes::node).collect(java.util.stream.Collectors.toSet());
    }

    private long paid() {
        return jdbc.queryForObject("SELECT count(*) FROM orders WHERE status = 'PAID'", Long.class);
    }

    private String lastStatus() {
        return jdbc.queryForObject("""
                SELECT e.status FROM batch_job_execution e JOIN batch_job_instance i USING (job_instance_id)
                WHERE i.job_name = 'charge-orders' ORDER BY e.job_execution_id DESC LIMIT 1""", String.class);
    }
}
