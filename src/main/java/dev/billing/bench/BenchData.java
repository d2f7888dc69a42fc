package dev.billing.bench;

import dev.billing.gateway.GatewayProperties;
import java.io.PrintStream;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The benchmarks' synthetic data, written straight into their throwaway database in bulk (the engine's own paths would
 * take longer than what is measured): the one place a benchmark writes tables, the ledger's among them.
 */
final class BenchData {

    private BenchData() {
    }

    /** {@code orders} SHIPPED orders ({@code B-i}) in AED on {@code tokens} VERIFIED tokens: what bench charges. */
    static void dueOrders(JdbcTemplate jdbc, int orders, int tokens) {
        jdbc.update("""
                INSERT INTO tokens (token_name, customer_id, customer_email, card_mask, card_expiry, created_at, status, agreement_id)
                SELECT 'bench-tok-' || i, 'C' || i, 'c' || i || '@example.com', '400555******0001', '05/29', now(), 'VERIFIED',
                       'AGR-bench-' || i
                FROM generate_series(1, ?) AS i""", tokens);
        jdbc.update("""
                INSERT INTO orders (order_id, customer_id, token_name, amount_minor, currency, status)
                SELECT 'B-' || i, 'C' || (i % ? + 1), 'bench-tok-' || (i % ? + 1), 100 + i % 10000, 'AED', 'SHIPPED'
                FROM generate_series(1, ?) AS i""", tokens, tokens, orders);
    }

    /**
     * N PAID orders ({@code <prefix>-i}) in AED, each with its successful charge in the ledger and at the built-in
     * simulator of {@code merchant} (captured, nothing refunded): what bench-refunds refunds.
     */
    static void chargedOrders(JdbcTemplate jdbc, String prefix, int n, LocalDate night, String merchant) {
        chargedOrders(jdbc, prefix, n, night, merchant, null, GatewayProperties.SIMULATOR);
    }

    /**
     * As {@link #chargedOrders(JdbcTemplate, String, int, LocalDate, String)}, the charges made one after the other across
     * the day that starts at {@code dayStart} (in the ledger and at the simulator), or all now when it is null; the ledger
     * says they went to {@code gateway}.
     */
    static void chargedOrders(JdbcTemplate jdbc, String prefix, int n, LocalDate night, String merchant, java.time.Instant dayStart,
                              String gateway) {
        String at = dayStart == null ? "now()" : "CAST(? AS timestamptz) + (i * 86399.0 / ?) * interval '1 second'";
        Object[] atArgs = dayStart == null ? new Object[0] : new Object[] {java.sql.Timestamp.from(dayStart), n};
        jdbc.update("""
                INSERT INTO tokens (token_name, customer_id, customer_email, card_mask, card_expiry, created_at, status, agreement_id)
                SELECT 'bench-tok-' || i, 'C' || i, 'c' || i || '@example.com', '400555******0001', '05/29', now(), 'VERIFIED', 'AGR-' || i
                FROM generate_series(1, 1000) AS i ON CONFLICT DO NOTHING""");
        jdbc.update("""
                INSERT INTO orders (order_id, customer_id, token_name, amount_minor, currency, status, paid_at)
                SELECT ? || '-' || i, 'C', 'bench-tok-' || (i % 1000 + 1), 100 + i % 10000, 'AED', 'PAID', now()
                FROM generate_series(1, ?) AS i""", prefix, n);
        jdbc.update("""
                INSERT INTO payment_attempts (attempt_reference, merchant_reference, kind, order_id, token_name, attempt, amount_minor,
                                              currency, business_date, state, response_code, fort_id, sent_at, resolved_at, gateway)
                SELECT 'CH-' || ? || '-' || i || '-1', 'CH-' || ? || '-' || i || '-1', 'CHARGE', ? || '-' || i,
                       'bench-tok-' || (i %% 1000 + 1), 1, 100 + i %% 10000, 'AED', ?, 'SUCCEEDED', '14000',
                       (180000000000000000 + i)::text, %1$s, %1$s, ?
                FROM generate_series(1, ?) AS i""".formatted(at), concat(new Object[] {prefix, prefix, prefix, Date.valueOf(night)},
                atArgs, atArgs, new Object[] {gateway, n}));
        jdbc.update("""
                INSERT INTO aps_simulator.orders (merchant_identifier, merchant_reference, fort_id, command, token_name, customer_email,
                    amount, currency, response_code, response_message, captured_amount, last_code, last_message, created_at)
                SELECT ?, 'CH-' || ? || '-' || i || '-1', (180000000000000000 + i)::text, 'PURCHASE', 'bench-tok-' || (i %% 1000 + 1),
                       'c@example.com', 100 + i %% 10000, 'AED', '14000', 'Success', 100 + i %% 10000, '14000', 'Success', %s
                FROM generate_series(1, ?) AS i""".formatted(at), concat(new Object[] {merchant, prefix}, atArgs, new Object[] {n}));
    }

    private static Object[] concat(Object[]... parts) {
        return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray();
    }

    /** N due orders ({@code <prefix>-i}), each with a charge sent and its outcome unknown (as after lost replies). */
    static void unknownCharges(JdbcTemplate jdbc, String prefix, int n, LocalDate night) {
        jdbc.update("""
                INSERT INTO tokens (token_name, customer_id, customer_email, card_mask, card_expiry, created_at, status, agreement_id)
                SELECT 'bench-tok-' || i, 'C' || i, 'c' || i || '@example.com', '400555******0001', '05/29', now(), 'VERIFIED', 'AGR-' || i
                FROM generate_series(1, 1000) AS i ON CONFLICT DO NOTHING""");
        jdbc.update("""
                INSERT INTO orders (order_id, customer_id, token_name, amount_minor, currency, status)
                SELECT ? || '-' || i, 'C', 'bench-tok-' || (i % 1000 + 1), 100 + i % 10000, 'AED', 'SHIPPED'
                FROM generate_series(1, ?) AS i""", prefix, n);
        jdbc.update("""
                INSERT INTO payment_attempts (attempt_reference, merchant_reference, kind, order_id, token_name, attempt, amount_minor,
                                              currency, business_date, state, sent_at, gateway)
                SELECT 'CH-' || ? || '-' || i || '-1', 'CH-' || ? || '-' || i || '-1', 'CHARGE', ? || '-' || i,
                       'bench-tok-' || (i % 1000 + 1), 1, 100 + i % 10000, 'AED', ?, 'UNKNOWN', now(), 'simulator'
                FROM generate_series(1, ?) AS i""", prefix, prefix, prefix, Date.valueOf(night), n);
    }

    /**
     * A year as the engine would have left it: order i belongs to night {@code i % nights}; of each hundred, 90 were
     * paid, 5 failed (declined), 3 held (their token not verified yet), 2 deferred; one in ten thousand has a charge
     * whose outcome is unknown. Every night has its nightly execution (with the steps of a real one) and its reconcile.
     */
    static void aYearOfNights(JdbcTemplate jdbc, LocalDate last, int nights, int orders, int customers, PrintStream out) {
        Date first = Date.valueOf(last.minusDays(nights - 1L));
        jdbc.update("""
                INSERT INTO tokens (token_name, customer_id, customer_email, card_mask, card_expiry, created_at, status, agreement_id)
                SELECT 'bt-' || t, 'BC-' || t, 'c' || t || '@example.com', '400555******0001', '05/29', now(),
                       CASE WHEN t % 50 = 0 THEN 'NEW' ELSE 'VERIFIED' END, 'AGR-' || t
                FROM generate_series(1, ?) AS t""", customers);
        out.printf("  %,d tokens%n", customers);
        jdbc.update("""
                INSERT INTO orders (order_id, customer_id, token_name, amount_minor, currency, status, charge_on, attempt_count,
                                    failure_reason, paid_at)
                SELECT 'BO-' || i, 'BC-' || (i % ? + 1), 'bt-' || (i % ? + 1), 100 + (i * 37) % 90000,
                       (ARRAY['AED', 'KWD', 'JPY', 'SAR'])[i % 4 + 1],
                       CASE WHEN i % 100 < 90 THEN 'PAID' WHEN i % 100 < 95 THEN 'PAYMENT_FAILED' WHEN i % 100 < 98 THEN 'SHIPPED'
                            ELSE 'DEFERRED' END,
                       CASE WHEN i % 100 >= 98 THEN ?::date + (i % ?) + 400 END,
                       CASE WHEN i % 100 < 95 THEN 1 ELSE 0 END,
                       CASE WHEN i % 100 BETWEEN 90 AND 94 THEN 'hard decline: 13012 Card expired' END,
                       CASE WHEN i % 100 < 90 THEN now() END
                FROM generate_series(1, ?) AS i""", customers, customers, first, nights, orders);
        out.printf("  %,d orders%n", orders);
        jdbc.update("""
                INSERT INTO payment_attempts (attempt_reference, merchant_reference, kind, order_id, token_name, attempt, amount_minor,
                                              currency, business_date, state, outcome_class, response_code, response_message, fort_id,
                                              sent_at, resolved_at, gateway)
                SELECT 'CH-BO-' || i || '-1', 'CH-BO-' || i || '-1', 'CHARGE', 'BO-' || i, 'bt-' || (i % ? + 1), 1, 100 + (i * 37) % 90000,
                       (ARRAY['AED', 'KWD', 'JPY', 'SAR'])[i % 4 + 1], ?::date + (i % ?),
                       CASE WHEN i % 100 < 90 THEN 'SUCCEEDED' WHEN i % 100 < 95 THEN 'DECLINED' ELSE 'UNKNOWN' END,
                       CASE WHEN i % 100 < 90 THEN 'SUCCESS' WHEN i % 100 < 95 THEN 'HARD_DECLINE' ELSE 'UNKNOWN' END,
                       CASE WHEN i % 100 < 90 THEN '14000' WHEN i % 100 < 95 THEN '13012' END,
                       CASE WHEN i % 100 < 90 THEN 'Success' WHEN i % 100 < 95 THEN 'Card expired' END,
                       (170000000000000000 + i)::text, now(), CASE WHEN i % 100 < 95 THEN now() END, 'simulator'
                FROM generate_series(1, ?) AS i
                WHERE i % 100 < 95 OR i % 10000 = 9999""", customers, first, nights, orders);
        out.println("  their charges");
        jdbc.update("""
                INSERT INTO charge_holds (business_date, order_id, token_name, reason)
                SELECT ?::date + (i % ?), 'BO-' || i, 'bt-' || (i % ? + 1), 'token bt-' || (i % ? + 1) || ' is NEW, not VERIFIED'
                FROM generate_series(1, ?) AS i WHERE i % 100 BETWEEN 95 AND 97""", first, nights, customers, customers, orders);
        jdbc.update("""
                INSERT INTO audit_log (actor, action, target, result)
                SELECT 'olga', 'RESTART', 'execution ' || i, 'restart started' FROM generate_series(1, 5000) AS i""");
        executions(jdbc, last, nights, orders, out);
        jdbc.execute("ANALYZE");
    }

    /** Per night: the nightly job (one in thirty failed once, then restarted) with its steps, and a reconcile run. */
    private static void executions(JdbcTemplate jdbc, LocalDate last, int nights, int orders, PrintStream out) {
        String[] steps = {"resolve-verifications", "give-back-owed", "verify", "verify-partition:partition0", "resolve-verifications-after",
            "give-back-owed-after", "resolve-unknown", "charge", "charge-partition:partition0", "resolve-unknown-after", "vacuum-ledger",
            "deactivate-tokens", "reconcile"};
        List<Object[]> instances = new ArrayList<>();
        List<Object[]> executions = new ArrayList<>();
        List<Object[]> parameters = new ArrayList<>();
        List<Object[]> stepRows = new ArrayList<>();
        long instance = 0;
        long execution = 0;
        long step = 0;
        for (int n = 0; n < nights; n++) {
            LocalDate date = last.minusDays(n);
            java.sql.Timestamp start = java.sql.Timestamp.valueOf(date.plusDays(1).atTime(1, 0));
            java.sql.Timestamp end = java.sql.Timestamp.valueOf(date.plusDays(1).atTime(1, 40));
            for (String job : new String[] {"nightly", "reconcile"}) {
                instances.add(new Object[] {++instance, job, String.format("%032x", instance)});
                int runs = job.equals("nightly") && n % 30 == 7 ? 2 : 1;
                for (int r = 0; r < runs; r++) {
                    String status = runs == 2 && r == 0 ? "FAILED" : "COMPLETED";
                    executions.add(new Object[] {++execution, instance, start, start, end, status, status, end});
                    parameters.add(new Object[] {execution, "businessDate", "java.time.LocalDate", date.toString(), "Y"});
                    for (String name : job.equals("nightly") ? steps : new String[] {"reconcile"}) {
                        long read = name.equals("charge") ? orders / nights : 0;
                        String stepStatus = status.equals("FAILED") && name.equals("charge") ? "FAILED" : "COMPLETED";
                        stepRows.add(new Object[] {++step, name, execution, start, start, end, stepStatus, read, read, stepStatus, end});
                        if (stepStatus.equals("FAILED")) {
                            break;
                        }
                    }
                }
            }
        }
        jdbc.batchUpdate("INSERT INTO batch_job_instance (job_instance_id, version, job_name, job_key) VALUES (?, 0, ?, ?)", instances);
        jdbc.batchUpdate("""
                INSERT INTO batch_job_execution (job_execution_id, version, job_instance_id, create_time, start_time, end_time, status,
                                                 exit_code, exit_message, last_updated) VALUES (?, 1, ?, ?, ?, ?, ?, ?, '', ?)""", executions);
        jdbc.batchUpdate("""
                INSERT INTO batch_job_execution_params (job_execution_id, parameter_name, parameter_type, parameter_value, identifying)
                VALUES (?, ?, ?, ?, ?)""", parameters);
        jdbc.batchUpdate("""
                INSERT INTO batch_step_execution (step_execution_id, version, step_name, job_execution_id, create_time, start_time,
                    end_time, status, commit_count, read_count, filter_count, write_count, read_skip_count, write_skip_count,
                    process_skip_count, rollback_count, exit_code, exit_message, last_updated)
                VALUES (?, 1, ?, ?, ?, ?, ?, ?, 1, ?, 0, ?, 0, 0, 0, 0, ?, '', ?)""", stepRows);
        jdbc.execute("SELECT setval('batch_job_instance_seq', " + instance + "), setval('batch_job_execution_seq', " + execution
                + "), setval('batch_step_execution_seq', " + step + ")");
        out.printf("  %,d job executions with %,d steps%n", execution, step);
    }

    /** The ids of the job executions the seeding wrote, for the benchmark's requests. */
    static long[] executionIds(JdbcTemplate jdbc) {
        return jdbc.queryForList("SELECT job_execution_id FROM batch_job_execution", Long.class).stream().mapToLong(Long::longValue).toArray();
    }
}
