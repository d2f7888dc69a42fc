package dev.billing.reconciliation;

import dev.billing.ledger.LedgerMovements;
import dev.billing.ledger.Movement;
import dev.billing.reconciliation.SettlementMatcher.GatewayRow;
import dev.billing.reconciliation.SettlementMatcher.LedgerSide;
import dev.billing.reconciliation.SettlementMatcher.Match;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Matches a business date's ledger movements with the gateway's transaction report in flat memory, however large
 * either is: both sides are staged in the database in batches (the report streamed from its file, the movements as
 * the transactions report streams them), one query pairs them, and {@link SettlementMatcher#classify} classes each
 * pair. The rules are those of {@link SettlementMatcher#match}: the first report row per reference and operation
 * counts; it matches the first ledger movement with that key; a report row whose key the ledger has on another date
 * is not missing. Staged rows are deleted when the run ends (and rolled back with it when it fails).
 */
@Component
public class SettlementMatching {

    private static final int BATCH = 1000;
    private final JdbcTemplate jdbc;
    private final LedgerMovements movements;

    public SettlementMatching(JdbcTemplate jdbc, LedgerMovements movements) {
        this.jdbc = jdbc;
        this.movements = movements;
    }

    /** One matching run: the report is read and staged when it starts, so a bad file is refused before any report is written. */
    public Run start(Path settlementFile) {
        Run run = new Run(UUID.randomUUID());
        List<Object[]> batch = new ArrayList<>(BATCH);
        long[] seq = {0};
        SettlementFile.forEach(settlementFile, row -> {
            batch.add(new Object[] {run.id, ++seq[0], row.merchantReference(), row.operation(), emptyToNull(row.fortId()),
                row.amountMinor(), row.amountText(), row.currency(), row.succeeded(), row.status()});
            if (batch.size() == BATCH) {
                insertGateway(batch);
            }
        });
        insertGateway(batch);
        return run;
    }

    private void insertGateway(List<Object[]> batch) {
        if (batch.isEmpty()) {
            return;
        }
        jdbc.batchUpdate("""
                INSERT INTO settlement_gateway_rows (run_id, seq, merchant_reference, operation, fort_id, amount_minor, amount_text,
                    currency, succeeded, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", batch, batch.size(), (ps, r) -> {
                    for (int i = 0; i < r.length; i++) {
                        if (r[i] == null) {
                            ps.setNull(i + 1, i == 5 ? Types.BIGINT : Types.VARCHAR);
                        } else {
                            ps.setObject(i + 1, r[i]);
                        }
                    }
                });
        batch.clear();
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** A matching run: takes the date's movements one by one, then streams the matches. */
    public final class Run {
        private final UUID id;
        private final List<Object[]> ledger = new ArrayList<>(BATCH);
        private long seq;

        private Run(UUID id) {
            this.id = id;
        }

        public void add(Movement m) {
            if (!m.attemptKind().movesMoney()) {
                return; // a token deactivation is in no settlement file
            }
            ledger.add(new Object[] {id, ++seq, m.merchantReference(), SettlementMatcher.operationOf(m.kind()), m.fortId(),
                m.amountMinor(), m.currency(), m.outcome(), m.simulated(), m.account()});
            if (ledger.size() == BATCH) {
                flush();
            }
        }

        private void flush() {
            if (!ledger.isEmpty()) {
                jdbc.batchUpdate("""
                        INSERT INTO settlement_ledger_rows (run_id, seq, merchant_reference, operation, fort_id, amount_minor, currency, outcome,
                                                            simulated, account)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", ledger);
                ledger.clear();
            }
        }

        /** Every match, the ledger's movements first in their order, then the report's rows the ledger lacks, in file order. */
        public void forEachMatch(LocalDate date, Consumer<Match> each) {
            flush();
            // the staging tables are empty between runs, and their statistics say so: planned as empty, the join below
            // ran as a nested loop over the report for every movement (seen: minutes at 100,000 rows a side). ANALYZE
            // counts this transaction's own rows.
            jdbc.execute("ANALYZE settlement_ledger_rows, settlement_gateway_rows");
            JdbcTemplate streaming = new JdbcTemplate(jdbc.getDataSource());
            streaming.setFetchSize(BATCH);
            new NamedParameterJdbcTemplate(streaming).query("""
                    SELECT l.merchant_reference, l.operation, l.fort_id, l.amount_minor, l.currency, l.outcome, l.simulated,
                           g.merchant_reference, g.operation, g.fort_id, g.amount_minor, g.amount_text, g.currency, g.succeeded, g.status,
                           l.account
                    FROM (SELECT l.*, row_number() OVER (PARTITION BY merchant_reference, operation ORDER BY seq) AS nth
                          FROM settlement_ledger_rows l WHERE run_id = :run) l
                    LEFT JOIN (SELECT DISTINCT ON (merchant_reference, operation) * FROM settlement_gateway_rows WHERE run_id = :run
                               ORDER BY merchant_reference, operation, seq) g
                           ON l.nth = 1 AND g.merchant_reference = l.merchant_reference AND g.operation = l.operation
                    ORDER BY l.seq""", Map.of("run", id),
                    rs -> {
                        LedgerSide ledgerSide = new LedgerSide(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                                rs.getString(5), rs.getString(6), rs.getBoolean(7), rs.getString(16));
                        each.accept(SettlementMatcher.classify(ledgerSide, rs.getString(8) == null ? null : gatewayRow(rs, 8)));
                    });
            // a report row whose movement the ledger has on another date is not missing: asked of the ledger a batch at a time
            List<GatewayRow> unmatched = new ArrayList<>(BATCH);
            streaming.query("""
                    SELECT g.merchant_reference, g.operation, g.fort_id, g.amount_minor, g.amount_text, g.currency, g.succeeded, g.status
                    FROM (SELECT DISTINCT ON (merchant_reference, operation) * FROM settlement_gateway_rows WHERE run_id = ?
                          ORDER BY merchant_reference, operation, seq) g
                    WHERE NOT EXISTS (SELECT 1 FROM settlement_ledger_rows l WHERE l.run_id = g.run_id
                                      AND l.merchant_reference = g.merchant_reference AND l.operation = g.operation)
                    ORDER BY g.seq""",
                    rs -> {
                        unmatched.add(gatewayRow(rs, 1));
                        if (unmatched.size() == BATCH) {
                            emitMissing(unmatched, date, each);
                        }
                    }, id);
            emitMissing(unmatched, date, each);
        }

        private void emitMissing(List<GatewayRow> unmatched, LocalDate date, Consumer<Match> each) {
            Set<String> elsewhere = new HashSet<>();
            for (LedgerMovements.Reference r : movements.onOtherDates(unmatched.stream().map(GatewayRow::merchantReference).toList(), date)) {
                elsewhere.add(r.merchantReference() + " " + SettlementMatcher.operationOf(r.kind().name()));
            }
            for (GatewayRow g : unmatched) {
                if (!elsewhere.contains(g.merchantReference() + " " + g.operation())) {
                    each.accept(SettlementMatcher.unmatched(g));
                }
            }
            unmatched.clear();
        }

        /** Deletes what this run staged. */
        public void end() {
            jdbc.update("DELETE FROM settlement_ledger_rows WHERE run_id = ?", id);
            jdbc.update("DELETE FROM settlement_gateway_rows WHERE run_id = ?", id);
        }
    }

    private static GatewayRow gatewayRow(ResultSet rs, int from) throws SQLException {
        long amount = rs.getLong(from + 3);
        Long amountMinor = rs.wasNull() ? null : amount;
        String fortId = rs.getString(from + 2);
        return new GatewayRow(rs.getString(from), rs.getString(from + 1), fortId == null ? "" : fortId, amountMinor,
                rs.getString(from + 4), rs.getString(from + 5), rs.getBoolean(from + 6), rs.getString(from + 7));
    }
}
