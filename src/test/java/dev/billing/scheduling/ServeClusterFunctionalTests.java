package dev.billing.scheduling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.billing.EngineProcess;
import dev.billing.EngineTest;
import dev.billing.console.ConsoleUsers;
import dev.billing.console.Role;
import dev.billing.gateway.ApsClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Two real 'serve' processes on one database, a schedule firing every three seconds: the night runs once; the node
 * running it is killed with SIGKILL; the other node recovers that execution and finishes it; every order is charged
 * exactly once.
 */
@EngineTest
class ServeClusterFunctionalTests {

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ConsoleUsers users;
    @Autowired
    ApsClient inProcessGateway;
    @TempDir
    Path dir;
    @Autowired
    dev.billing.operations.JobControl jobControl;

    private Path setUpNight() throws Exception {
        return ClusterNight.setUp(jdbc, dir, "sv", 300, 3000);
    }

    @Test
    void jobsStopFromAnotherProcessStopsTheNightThatServeRunsAndTheNextFiringResumesIt() throws Exception {
        Path schedules = setUpNight();
        Process serve = EngineProcess.start(EngineProcess.log("serve-stop.log"), serve(schedules, freePort()));
        try {
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50))
                    .until(() -> jdbc.queryForObject("SELECT count(*) FROM orders WHERE status = 'PAID'", Long.class) >= 300);
            long id = jdbc.queryForObject("SELECT job_execution_id FROM running_jobs WHERE job_name = 'charge-orders'", Long.class);

            assertThat(jobControl.stop(id)).isTrue();

            await().atMost(Duration.ofMinutes(1)).until(() -> jobControl.get(id).getStatus().toString().equals("STOPPED"));
            assertThat(jdbc.queryForObject("SELECT count(*) FROM orders WHERE status = 'PAID'", Long.class)).isLessThan(3000);
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> "COMPLETED".equals(lastStatus()));
            assertThat(serve.isAlive()).isTrue();
            assertThat(jdbc.queryForObject("SELECT count(*) FROM orders WHERE status = 'PAID'", Long.class)).isEqualTo(3000);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM aps_simulator.orders WHERE captured_amount > 0", Long.class)).isEqualTo(3000);
        } finally {
            serve.destroyForcibly();
            serve.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void sigtermStopsServeAfterTheCurrentChunkAndARestartFinishesTheNight() throws Exception {
        Path schedules = setUpNight();
        Path log = EngineProcess.log("serve-sigterm.log");
        // two partitions on one node: the second waits for the first, so SIGTERM finds one no node has begun (which the
        // night's manager must not wait for)
        List<String> args = new java.util.ArrayList<>(List.of(serve(schedules, freePort())));
        args.add("--billing.partitions.count=2");
        args.add("--billing.partitions.per-node=1");
        Process serve = EngineProcess.start(log, args.toArray(String[]::new));
        try {
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50))
                    .until(() -> jdbc.queryForObject("SELECT count(*) FROM orders WHERE status = 'PAID'", Long.class) >= 300);
            serve.destroy();
            assertThat(serve.waitFor(90, TimeUnit.SECONDS)).isTrue();
            assertThat(serve.exitValue()).as(EngineProcess.output(log)).isZero();
            assertThat(lastStatus()).isEqualTo("STOPPED");
            assertThat(EngineProcess.output(log)).contains("not begun: its job execution").contains("was asked to stop; a restart runs it");
            assertThat(jdbc.queryForObject("SELECT count(*) FROM payment_attempts WHERE state IN ('PREPARED', 'UNKNOWN')", Long.class)).isZero();
            long id = jdbc.queryForObject("SELECT max(job_execution_id) FROM batch_job_execution", Long.class);

            assertThat(jobControl.restart(id).getStatus().toString()).isEqualTo("COMPLETED");

            assertThat(jdbc.queryForObject("SELECT count(*) FROM orders WHERE status = 'PAID'", Long.class)).isEqualTo(3000);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM aps_simulator.orders WHERE captured_amount > 0", Long.class)).isEqualTo(3000);
        } finally {
            serve.destroyForcibly();
        }
    }

    @Test
    void twoNodesRunTheNightOnceAndTheSurvivorFinishesWhatTheDeadOneStarted() throws Exception {
        Path schedules = setUpNight();
        int portA = freePort();
        int portB = freePort();
        Process a = EngineProcess.start(EngineProcess.log("serve-a.log"), serve(schedules, portA));
        Process b = EngineProcess.start(EngineProcess.log("serve-b.log"), serve(schedules, portB));
        try {
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50))
                    .until(() -> jdbc.queryForObject("SELECT count(*) FROM orders WHERE status = 'PAID'", Long.class) >= 300);
            List<Long> runner = jdbc.queryForList("SELECT pid FROM running_jobs WHERE job_name = 'charge-orders'", Long.class);
            assertThat(runner).hasSize(1);
            Process running = runner.get(0) == a.pid() ? a : b;
            Process survivor = running == a ? b : a;
            running.destroyForcibly();
            running.waitFor(30, TimeUnit.SECONDS);

            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> jdbc.queryForObject("SELECT count(*) FROM orders WHERE status = 'PAID'", Long.class) == 3000
                            && jdbc.queryForObject("SELECT count(*) FROM payment_attempts WHERE state IN ('PREPARED', 'UNKNOWN')", Long.class) == 0
                            && "COMPLETED".equals(lastStatus()));

            assertThat(survivor.isAlive()).isTrue();
            String prometheus = "http://127.0.0.1:" + (survivor == a ? portA : portB) + "/actuator/prometheus";
            assertThat(status(prometheus, null)).as("metrics need a user").isEqualTo(401);
            users.remove("scraper");
            users.add("scraper", Role.VIEWER, "scraper-password-1");
            String metrics = get(prometheus, "scraper:scraper-password-1");
            assertThat(metrics).contains("billing_charges_total{currency=\"AED\",outcome=\"SUCCESS\"}")
                    .contains("billing_gateway_calls_seconds_count{command=\"PURCHASE\"").contains("billing_outcomes_unknown 0.0")
                    .contains("billing_verification_refunds_owed").contains("spring_batch_job_seconds_count")
                    .contains("spring_batch_step_seconds_count")
                    .contains("billing_gateway_calls_seconds_bucket{command=\"PURCHASE\"").contains("billing_gateway_in_flight ")
                    .contains("billing_night_running 0.0").contains("billing_night_last_completed_timestamp_seconds ")
                    .contains("billing_outbox_backlog ").contains("billing_outbox_lag_seconds ")
                    .contains("billing_verification_refunds_owed_oldest_age_seconds ");
            assertThat(get("http://127.0.0.1:" + (survivor == a ? portA : portB) + "/actuator/health")).contains("\"status\":\"UP\"");
            assertThat(jdbc.queryForObject("SELECT count(*) FROM batch_job_instance WHERE job_name = 'charge-orders'", Long.class))
                    .as("one night, run once (then resumed)").isEqualTo(1);
            assertThat(jdbc.queryForObject("""
                    SELECT count(*) FROM batch_job_execution e JOIN batch_job_instance i USING (job_instance_id)
                    WHERE i.job_name = 'charge-orders'""", Long.class)).isEqualTo(2);
            assertThat(jdbc.queryForObject("""
                    SELECT count(*) FROM aps_simulator.orders WHERE captured_amount > 0""", Long.class)).isEqualTo(3000);
            assertThat(jdbc.queryForObject("""
                    SELECT count(DISTINCT merchant_reference) FROM aps_simulator.orders WHERE captured_amount > 0""", Long.class)).isEqualTo(3000);
            assertThat(jdbc.queryForObject("SELECT count(DISTINCT order_id) FROM payment_attempts WHERE state = 'SUCCEEDED'", Long.class))
                    .isEqualTo(3000);
            assertThat(jdbc.queryForObject("SELECT parameter_value FROM batch_job_execution_params WHERE parameter_name = 'businessDate' LIMIT 1",
                    String.class)).isEqualTo(LocalDate.now(ZoneOffset.UTC).toString());
        } finally {
            a.destroyForcibly();
            b.destroyForcibly();
            a.waitFor(30, TimeUnit.SECONDS);
            b.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static String[] serve(Path schedules, int port) {
        return new String[] {"serve", "--billing.schedules.dir=" + schedules, "--billing.simulator.latency=50ms",
            "--spring.quartz.properties.org.quartz.jobStore.clusterCheckinInterval=2000", "--server.port=" + port};
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String get(String url) throws Exception {
        return get(url, null);
    }

    /** A GET, with HTTP basic credentials {@code name:password} when given. */
    private static String get(String url, String credentials) throws Exception {
        return send(url, credentials).body();
    }

    private static int status(String url, String credentials) throws Exception {
        return send(url, credentials).statusCode();
    }

    private static java.net.http.HttpResponse<String> send(String url, String credentials) throws Exception {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url));
        if (credentials != null) {
            request.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                    credentials.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        return java.net.http.HttpClient.newHttpClient().send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    private String lastStatus() {
        return jdbc.queryForObject("""
                SELECT e.status FROM batch_job_execution e JOIN batch_job_instance i USING (job_instance_id)
                WHERE i.job_name = 'charge-orders' ORDER BY e.job_execution_id DESC LIMIT 1""", String.class);
    }
}
