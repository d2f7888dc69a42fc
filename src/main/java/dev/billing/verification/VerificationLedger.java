package dev.billing.verification;

import dev.billing.batch.TokenPartition;
import dev.billing.events.EventType;
import dev.billing.events.Outbox;
import dev.billing.gateway.GatewayReply;
import dev.billing.gateway.OutcomeClass;
import dev.billing.ledger.AfterCommit;
import dev.billing.ledger.AttemptKind;
import dev.billing.ledger.AttemptState;
import dev.billing.ledger.Attempts;
import dev.billing.ledger.TokenStatus;
import dev.billing.money.CurrencyUnit;
import dev.billing.money.Money;
import io.micrometer.core.instrument.Metrics;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The verification side of the payment ledger: micro-charges (or authorizations) and the refunds (or voids) that
 * give the money back, each a row committed before its call is sent.
 */
@Component
public class VerificationLedger {

    private static final String CHARGE_KINDS = AttemptKind.VERIFICATION_CHARGES_SQL;
    private static final String REVERSAL_KINDS = AttemptKind.VERIFICATION_REVERSALS_SQL;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate newTransaction;
    private final Attempts attempts;
    private final Outbox outbox;

    public VerificationLedger(JdbcTemplate jdbc, PlatformTransactionManager transactionManager, Attempts attempts, Outbox outbox) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.attempts = attempts;
        this.newTransaction = new TransactionTemplate(transactionManager);
        this.newTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /** Says why these NEW tokens wait (their verification is not sent); they stay NEW. */
    public void waiting(List<Verification> verifications, String reason) {
        if (!verifications.isEmpty()) {
            jdbc.update("UPDATE tokens SET status_reason = ?, updated_at = now() WHERE token_name = ANY (?) AND status = 'NEW'",
                    reason, verifications.stream().map(Verification::tokenName).toArray(String[]::new));
        }
    }

    /** How many NEW tokens {@code partition} holds (for progress output). */
    public long countNew(TokenPartition partition) {
        return jdbc.queryForObject("SELECT count(*) FROM tokens WHERE status = 'NEW'" + partition.filter("token_name"), Long.class);
    }

    /** NEW tokens after {@code afterId}, each with its next verification attempt in this mode. */
    public List<Verification> newTokensPage(long afterId, int limit, VerificationMode mode, Money amount) {
        return newTokensPage(afterId, limit, mode, amount, TokenPartition.WHOLE);
    }

    /** {@link #newTokensPage(long, int, VerificationMode, Money)} of one partition's tokens. */
    public List<Verification> newTokensPage(long afterId, int limit, VerificationMode mode, Money amount, TokenPartition partition) {
        return newTokensPage(afterId, limit, mode, amount, partition, null);
    }

    /** {@link #newTokensPage(long, int, VerificationMode, Money, TokenPartition)} of {@code account}'s tokens (null: every account's). */
    public List<Verification> newTokensPage(long afterId, int limit, VerificationMode mode, Money amount, TokenPartition partition,
                                            String account) {
        Object[] args = account == null ? new Object[] {afterId, limit} : new Object[] {afterId, account, limit};
        return jdbc.query("""
                SELECT id, token_name, customer_email, verification_attempts + 1, agreement_id, account FROM tokens
                WHERE id > ? AND status = 'NEW'\s""" + (account == null ? "" : "AND account = ? ") + partition.filter("token_name")
                + " ORDER BY id LIMIT ?",
                (rs, n) -> new Verification(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), mode, amount, rs.getString(5),
                        rs.getString(6)),
                args);
    }

    /**
     * Commits, in a transaction of its own, a PREPARED micro-charge row per token and marks the tokens VERIFYING.
     * Returns the verifications whose row was written (a token being verified by another run is left out).
     */
    public List<Verification> prepare(List<Verification> verifications, LocalDate date, long jobExecutionId) {
        if (verifications.isEmpty()) {
            return List.of();
        }
        Set<String> written = new HashSet<>();
        newTransaction.executeWithoutResult(status -> {
            written.addAll(attempts.prepare(verifications.stream().map(v -> new Attempts.New(v.chargeReference(), v.chargeReference(),
                    v.mode().chargeKind, null, v.tokenName(), v.attempt(), v.amount(), date, jobExecutionId, null)).toList()));
            List<Object[]> tokens = verifications.stream().filter(v -> written.contains(v.chargeReference()))
                    .map(v -> new Object[] {v.tokenName()}).toList();
            jdbc.batchUpdate("UPDATE tokens SET status = 'VERIFYING', updated_at = now() WHERE token_name = ? AND status = 'NEW'", tokens);
        });
        return verifications.stream().filter(v -> written.contains(v.chargeReference())).toList();
    }

    /**
     * Commits, in a transaction of its own (so before the reversal is sent, whatever transaction the caller is in),
     * the row of reversal attempt {@code reversalAttempt}; false when a reversal of that charge is open already.
     */
    public boolean prepareReversal(Verification v, int reversalAttempt, LocalDate date, long jobExecutionId) {
        return Boolean.TRUE.equals(newTransaction.execute(status -> !attempts.prepare(List.of(new Attempts.New(
                v.reversalReference(reversalAttempt), v.chargeReference(), v.mode().reversalKind, null, v.tokenName(), reversalAttempt,
                v.amount(), date, jobExecutionId, null))).isEmpty()));
    }

    /** Records results in the caller's transaction. */
    public void record(List<Verification.Result> results, int maxAttempts) {
        List<Attempts.Outcome> attempts = new ArrayList<>();
        List<Object[]> tokens = new ArrayList<>();
        List<String> withdrawn = new ArrayList<>();
        List<Verification.Result> charged = new ArrayList<>();
        for (Verification.Result result : results) {
            Verification v = result.verification();
            if (result.withdrawn()) {
                withdrawn.add(v.chargeReference());
                continue;
            }
            if (result.charge() != null) {
                attempts.add(new Attempts.Outcome(result.charge(), AttemptState.after(result.charge().outcome()), v.chargeReference()));
                charged.add(result);
            }
        }
        boolean[] moved = this.attempts.settle(attempts);
        List<GatewayReply> charges = new ArrayList<>();
        List<Outbox.Event> invalid = new ArrayList<>();
        for (int i = 0; i < charged.size(); i++) {
            if (!moved[i]) {
                continue; // settled already (a notification, another run): the token was updated then
            }
            Verification v = charged.get(i).verification();
            GatewayReply charge = charged.get(i).charge();
            charges.add(charge);
            TokenStatus status = TokenVerification.tokenStatusAfter(charge.outcome(), v.attempt(), maxAttempts);
            String reason = status == TokenStatus.INVALID ? "verification " + v.chargeReference() + ": " + charge.describe() : null;
            tokens.add(new Object[] {status.name(), v.attempt(), status.name(), reason, v.tokenName()});
            if (status == TokenStatus.INVALID) {
                invalid.add(new Outbox.Event(EventType.TOKEN_INVALID, java.util.Map.of("token_name", v.tokenName(), "reason", reason,
                        "verification_reference", v.chargeReference())));
            }
        }
        outbox.append(invalid);
        List<Attempts.Outcome> reversals = new ArrayList<>();
        for (Verification.Result result : results) {
            if (!result.withdrawn() && result.reversal() != null) {
                reversals.add(new Attempts.Outcome(result.reversal(), AttemptState.after(result.reversal().outcome()),
                        result.verification().reversalReference(result.reversalAttempt())));
            }
        }
        this.attempts.settle(reversals);
        AfterCommit.run(() -> charges.forEach(c -> Metrics.counter("billing.verifications", "outcome", c.outcome().name()).increment()));
        if (!tokens.isEmpty()) {
            jdbc.batchUpdate("""
                    UPDATE tokens SET status = ?, verification_attempts = GREATEST(verification_attempts, ?),
                        status_reason = CASE WHEN ? = 'VERIFIED' THEN NULL ELSE COALESCE(?, status_reason) END, updated_at = now()
                    WHERE token_name = ? AND status IN ('NEW', 'VERIFYING')""", tokens);
        }
        List<Object[]> backToNew = this.attempts.withdraw(withdrawn).stream().map(gone -> new Object[] {gone.tokenName()}).toList();
        if (!backToNew.isEmpty()) {
            jdbc.batchUpdate("UPDATE tokens SET status = 'NEW', updated_at = now() WHERE token_name = ? AND status = 'VERIFYING'", backToNew);
        }
    }

    /** A micro-charge whose outcome is not known. */
    public record Open(long id, Verification verification) {
    }

    public List<Open> unresolvedCharges(long afterId, int limit) {
        return unresolvedCharges(afterId, limit, TokenPartition.WHOLE);
    }

    /** Open micro-charges on one partition's tokens, after {@code afterId} in id order. */
    public List<Open> unresolvedCharges(long afterId, int limit, TokenPartition partition) {
        return jdbc.query("""
                SELECT a.id, t.id, t.token_name, t.customer_email, a.attempt, a.kind, a.amount_minor, a.currency, t.agreement_id, a.account
                FROM payment_attempts a JOIN tokens t ON t.token_name = a.token_name
                WHERE a.id > ? AND a.kind IN\s""" + CHARGE_KINDS + " AND a.state IN " + AttemptState.OPEN_SQL + partition.filter("a.token_name")
                + " ORDER BY a.id LIMIT ?",
                (rs, n) -> new Open(rs.getLong(1), verification(rs)), afterId, limit);
    }

    /** The verification whose micro-charge has this reference (whatever the state of its rows). */
    public java.util.Optional<Verification> ofCharge(String chargeReference) {
        return jdbc.query("""
                SELECT a.id, t.id, t.token_name, t.customer_email, a.attempt, a.kind, a.amount_minor, a.currency, t.agreement_id, a.account
                FROM payment_attempts a JOIN tokens t ON t.token_name = a.token_name
                WHERE a.attempt_reference = ? AND a.kind IN\s""" + CHARGE_KINDS,
                (rs, n) -> verification(rs), chargeReference).stream().findFirst();
    }

    /** A micro-charge that succeeded and is not given back yet, with its latest reversal attempt, if any. */
    public record Owed(long id, Verification verification, int lastReversalAttempt, AttemptState lastReversalState) {

        boolean reversalOpen() {
            return lastReversalState != null && lastReversalState.isOpen();
        }
    }

    public List<Owed> owedReversals(long afterId, int limit) {
        return owedReversals(afterId, limit, TokenPartition.WHOLE);
    }

    /** Micro-charges on one partition's tokens not given back yet, after {@code afterId} in id order. */
    public List<Owed> owedReversals(long afterId, int limit, TokenPartition partition) {
        return jdbc.query("""
                SELECT c.id, t.id, t.token_name, t.customer_email, c.attempt, c.kind, c.amount_minor, c.currency,
                       r.attempt, r.state, t.agreement_id, t.account
                FROM verification_charges_owed c
                JOIN tokens t ON t.token_name = c.token_name
                LEFT JOIN LATERAL (SELECT attempt, state FROM payment_attempts r
                                   WHERE r.merchant_reference = c.attempt_reference AND r.kind IN\s""" + REVERSAL_KINDS + """
                                   ORDER BY attempt DESC LIMIT 1) r ON TRUE
                WHERE c.id > ?\s""" + partition.filter("c.token_name") + " ORDER BY c.id LIMIT ?",
                (rs, n) -> new Owed(rs.getLong(1), verification(rs), rs.getInt(9), AttemptState.of(rs.getString(10))), afterId, limit);
    }

    private static Verification verification(ResultSet rs) throws java.sql.SQLException {
        return new Verification(rs.getLong(2), rs.getString(3), rs.getString(4), rs.getInt(5), VerificationMode.ofKind(rs.getString(6)),
                Money.ofMinor(rs.getLong(7), CurrencyUnit.require(rs.getString(8))), rs.getString("agreement_id"),
                rs.getString("account"));
    }

    static boolean succeeded(GatewayReply reply) {
        return reply != null && reply.outcome() == OutcomeClass.SUCCESS;
    }
}
