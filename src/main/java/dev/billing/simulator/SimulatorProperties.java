package dev.billing.simulator;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code billing.simulator.*}: how the built-in APS simulator behaves. Rates are fractions from 0 to 1 of the
 * operations (PURCHASE, AUTHORIZATION, REFUND, VOID_AUTHORIZATION) that meet the fault; CHECK_STATUS meets them
 * only with {@code faults-on-status-checks}.
 *
 * @param latency          how long after a request its reply is sent (the simulator's own work included)
 * @param lostReplyRate    the operation is carried out and recorded, then the connection breaks before the reply
 * @param http500Rate      HTTP 500 before anything is recorded
 * @param technicalErrorRate a signed {@code 00006} (technical problem) before anything is recorded
 * @param slowReplyRate    the operation is recorded, and the reply comes after {@code slowReplyDelay}
 * @param badSignatureRate the operation is recorded, and the reply is signed with the wrong phrase
 * @param seed             makes the fault draws repeatable; 0 draws a fresh seed
 * @param strict           as APS: a recurring ({@code eci=RECURRING}) request without {@code agreement_id} is refused as
 *                         missing a mandatory parameter ({@code 00001}); default on
 * @param reportMaxRows    the most transactions its Reporting API puts in one report; default APS's 200,000
 */
@ConfigurationProperties("billing.simulator")
public record SimulatorProperties(Duration latency, double lostReplyRate, double http500Rate, double technicalErrorRate,
                                  double slowReplyRate, Duration slowReplyDelay, double badSignatureRate,
                                  boolean faultsOnStatusChecks, long seed, Integer threads, Boolean strict,
                                  Integer reportMaxRows) {

    public SimulatorProperties {
        latency = latency == null ? Duration.ZERO : latency;
        slowReplyDelay = slowReplyDelay == null ? Duration.ofSeconds(40) : slowReplyDelay;
        threads = threads == null ? 8 : threads;
        strict = strict == null ? Boolean.TRUE : strict;
        reportMaxRows = reportMaxRows == null ? dev.billing.gateway.ApsReporting.MAX_ROWS : reportMaxRows;
        if (reportMaxRows < 1) {
            throw new IllegalArgumentException("billing.simulator.report-max-rows must be at least 1");
        }
        for (double rate : new double[] {lostReplyRate, http500Rate, technicalErrorRate, slowReplyRate, badSignatureRate}) {
            if (rate < 0 || rate > 1) {
                throw new IllegalArgumentException("billing.simulator fault rates must be between 0 and 1");
            }
        }
    }

    public static SimulatorProperties none() {
        return new SimulatorProperties(Duration.ZERO, 0, 0, 0, 0, null, 0, false, 0, null, null, null);
    }

    public SimulatorProperties withLatency(Duration value) {
        return new SimulatorProperties(value, lostReplyRate, http500Rate, technicalErrorRate, slowReplyRate, slowReplyDelay,
                badSignatureRate, faultsOnStatusChecks, seed, threads, strict, reportMaxRows);
    }

    /** The same, its Reporting API holding at most {@code value} transactions in a report (APS: 200,000). */
    public SimulatorProperties withReportMaxRows(int value) {
        return new SimulatorProperties(latency, lostReplyRate, http500Rate, technicalErrorRate, slowReplyRate, slowReplyDelay,
                badSignatureRate, faultsOnStatusChecks, seed, threads, strict, value);
    }
}
