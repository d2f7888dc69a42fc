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
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Rolling restarts and failover with three real 'serve' processes on one database and one gateway (a simulator in this
 * JVM, 100 ms a call, that records the most calls it ever had in flight), one budget of 6 calls for the account, one
 * night fired once by the schedule and split in three partitions, one per node. In that one night:
 * <ol>
 * <li>SIGTERM on a node that runs a partition but not the night: it exits within the bound; its partition is handed
 * over (the same step execution, resumed by another node); the night goes on, never restarted; a new node joins;</li>
 * <li>{@code kill -9} of the node that runs the night: another node resumes the night (a new execution) and charges the
 * dead node's partition again within 30 seconds;</li>
 * <li>SIGTERM on the node that now runs the night, another node being live: it exits within the bound, and a live node
 * resumes the night with no operator;</li>
 * </ol>
 * and the night completes: every order charged exactly once, by the ledger and by the gateway, never more than 6 calls
 * at the gateway at once.
 */
@EngineTest
class FailoverFunctionalTests {

    private static final int ORDERS = 3600;
    private static final int MAX_CONCURRENCY = 6;

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DataSource dataSource;
    @Autowired
    JobRepository jobRepository;
    @TempDir
    Path dir;

    private final List<Process> nodes = new ArrayList<>();
    private Path schedules;
    private java.net.URI gatewayUrl;

    @Test
    void sigtermHandsAPartitionOverKillNineIsResumedWithinThirtySecondsAndSigtermOnTheNightsNodeHandsTheNightOver() throws Exception {
        schedules = ClusterNight.setUp(jdbc, dir, "fo", 600, ORDERS, ClusterNight.once(Duration.ofSeconds(25)));
        GatewayProperties merchant = new GatewayProperties(null, "AccessFO1", "MFO1", "rq-fo", "rs-fo", "SHA-256", "en",
                Duration.ofSeconds(5), Duration.ofSeconds(2), MAX_CONCURRENCY, 0, null, null);
        SimulatorProperties slow = new SimulatorProperties(Duration.ofMillis(100), 0, 0, 0, 0, null, 0, false, 0, 64, null, null);
        try (ApsSimulator gateway = new ApsSimulator(new SimulatorStore(dataSource, false), merchant, slow, 0)) {
            gatewayUrl = gateway.url();
            for (int i = 0; i < 3; i++) {
                startNode("failover-node-" + i + ".log");
            }
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> runningPartitionNodes().size() == 3);

            // 1. SIGTERM on a node running a partition, not the night
            long manager = managerPid();
            StepExecution handed = runningPartitions().stream().filter(s -> !PartitionNodes.node(s).endsWith(":" + manager))
                    .findFirst().orElseThrow();
            Process leaving = node(handed);
            Timestamp sigterm = now();
            leaving.destroy();
            assertThat(leaving.waitFor(90, TimeUnit.SECONDS)).as("SIGTERM ends serve in bounded time").isTrue();
            assertThat(leaving.exitValue()).isZero();
            assertThat(EngineProcess.output(EngineProcess.log("failover-node-" + nodes.indexOf(leaving) + ".log")))
                    .contains("stopping: handing this node's work over to 2 other live node(s)")
                    .contains("handed over after its current chunk; another node resumes it");
            double handover = gapSeconds(handed, sigterm);
            assertThat(handover).as("seconds from SIGTERM to the partition's next charge on another node").isLessThan(30);
            System.out.printf("failover test: SIGTERM to the handed-over partition's next charge: %.1f s%n", handover);
            StepExecution resumed = jobRepository.getStepExecution(handed.getId());
            assertThat(PartitionNodes.nodes(resumed)).as("the same partition, resumed by another node")
                    .startsWith(PartitionNodes.node(handed) + ", ").doesNotEndWith(":" + leaving.pid());
            assertThat(executions()).as("the night went on: never stopped nor restarted").isEqualTo(1);
            assertThat(lastStatus()).isEqualTo("STARTED");
            startNode("failover-node-3.log");

            // 2. kill -9 of the node running the night (and a partition)
            Process managerNode = nodes.stream().filter(p -> p.pid() == manager).findFirst().orElseThrow();
            StepExecution managersPartition = runningPartitions().stream().filter(s -> PartitionNodes.node(s).endsWith(":" + manager))
                    .findFirst().orElseThrow();
            assertThat(paid()).as("still mid-night").isLessThan(ORDERS);
            Timestamp kill = now();
            managerNode.destroyForcibly();
            assertThat(managerNode.waitFor(30, TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> nextCharge(managersPartition, kill) != null);
            double failover = gapSeconds(managersPartition, kill);
            assertThat(failover).as("seconds from kill -9 to the dead node's partition charged again by a survivor").isLessThan(30);
            System.out.printf("failover test: kill -9 of the night's node to its partition's next charge: %.1f s%n", failover);
            assertThat(executions()).as("a live node resumed the night as a new execution").isEqualTo(2);

            // 3. SIGTERM on the node now running the night, with another node live
            await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForList(
                    "SELECT pid FROM running_jobs WHERE job_name = 'charge-orders'", Long.class).size() == 1);
            long second = managerPid();
            Process secondManager = nodes.stream().filter(p -> p.pid() == second).findFirst().orElseThrow();
            assertThat(paid()).as("still mid-night").isLessThan(ORDERS);
            secondManager.destroy();
            assertThat(secondManager.waitFor(90, TimeUnit.SECONDS)).as("SIGTERM ends serve in bounded time").isTrue();
            assertThat(secondManager.exitValue()).isZero();
            assertThat(EngineProcess.output(EngineProcess.log("failover-node-" + nodes.indexOf(secondManager) + ".log")))
                    .contains("over to the other live nodes: it stops after its current chunk and one of them resumes it");

            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500)).until(() -> "COMPLETED".equals(lastStatus()));
            assertThat(executions()).as("the handed-over night was resumed by the live node").isEqualTo(3);
            assertThat(jdbc.queryForList("""
                    SELECT e.status FROM batch_job_execution e JOIN batch_job_instance i USING (job_instance_id)
                    WHERE i.job_name = 'charge-orders' ORDER BY e.job_execution_id""", String.class))
                    .containsExactly("FAILED", "STOPPED", "COMPLETED");
            assertThat(jdbc.queryForObject("SELECT count(*) FROM job_handovers", Long.class)).isZero();

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

    private void startNode(String log) throws Exception {
        nodes.add(EngineProcess.start(EngineProcess.log(log), "serve",
                "--billing.schedules.dir=" + schedules, "--server.port=0",
                "--billing.gateway.url=" + gatewayUrl, "--billing.gateway.access-code=AccessFO1",
                "--billing.gateway.merchant-identifier=MFO1", "--billing.gateway.request-phrase=rq-fo",
                "--billing.gateway.response-phrase=rs-fo", "--billing.gateway.max-concurrency=" + MAX_CONCURRENCY,
                "--billing.partitions.count=3",
                "--spring.quartz.properties.org.quartz.jobStore.clusterCheckinInterval=2000"));
    }

    private Process node(StepExecution partition) {
        return nodes.stream().filter(p -> PartitionNodes.node(partition).endsWith(":" + p.pid())).findFirst().orElseThrow();
    }

    private long managerPid() {
        return jdbc.queryForObject("SELECT pid FROM running_jobs WHERE job_name = 'charge-orders'", Long.class);
    }

    private Timestamp now() {
        return jdbc.queryForObject("SELECT clock_timestamp()", Timestamp.class);
    }

    /** When the first charge of the partition's tokens after {@code after} was prepared; null while there is none. */
    private Timestamp nextCharge(StepExecution partition, Timestamp after) {
        int index = partition.getExecutionContext().getInt("partition.index");
        int count = partition.getExecutionContext().getInt("partition.count");
        return jdbc.queryForObject("SELECT min(created_at) FROM payment_attempts WHERE kind = 'CHARGE' AND created_at > ?"
                + new dev.billing.batch.TokenPartition(index, count).filter("token_name"), Timestamp.class, after);
    }

    private double gapSeconds(StepExecution partition, Timestamp after) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> nextCharge(partition, after) != null);
        return (nextCharge(partition, after).getTime() - after.getTime()) / 1000.0;
    }

    /** The partitions of the charge step running now, on a node that has recorded itself. */
    private List<StepExecution> runningPartitions() {
        return jdbc.queryForList("SELECT step_execution_id FROM batch_step_execution WHERE step_name LIKE 'charge-partition:%' AND status = 'STARTED'",
                Long.class).stream().map(jobRepository::getStepExecution).filter(s -> PartitionNodes.node(s) != null).toList();
    }

    private Set<String> runningPartitionNodes() {
        return runningPartitions().stream().map(PartitionNodes::node).collect(Collectors.toSet());
    }

    private long executions() {
        return jdbc.queryForObject("""
                SELECT count(*) FROM batch_job_execution e JOIN batch_job_instance i USING (job_instance_id)
                WHERE i.job_name = 'charge-orders'""", Long.class);
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
