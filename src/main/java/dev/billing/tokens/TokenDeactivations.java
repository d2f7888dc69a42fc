package dev.billing.tokens;

import dev.billing.events.EventType;
import dev.billing.events.Outbox;
import dev.billing.gateway.GatewayReply;
import dev.billing.gateway.OutcomeClass;
import dev.billing.ledger.AttemptKind;
import dev.billing.ledger.AttemptState;
import dev.billing.ledger.Attempts;
import dev.billing.money.CurrencyUnit;
import dev.billing.money.Money;
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
 * The token-deactivation side of the payment ledger. Each {@code UPDATE_TOKEN} is a row of kind
 * {@code TOKEN_DEACTIVATION} (amount 0, currency {@code XXX}: no money moves) committed before it is sent; its reply
 * settles it through the ledger's one write path; a success stamps the token's {@code deactivated_at} in the same
 * transaction, so it is never sent again. The database holds the rules too: one open and one successful
 * deactivation per token.
 */
@Component
public class TokenDeactivations {

    static final String KIND = AttemptKind.TOKEN_DEACTIVATION.name();

    private final JdbcTemplate jdbc;
    private final TransactionTemplate newTransaction;
    private final Attempts attempts;
    private final Outbox outbox;

    public TokenDeactivations(JdbcTemplate jdbc, PlatformTransactionManager transactionManager, Attempts attempts, Outbox outbox) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.attempts = attempts;
        this.newTransaction = new TransactionTemplate(transactionManager);
        this.newTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /** A token waiting for deactivation, with its latest attempt (attempt 0 and a null state when none). */
    public record Pending(long tokenId, String tokenName, int lastAttempt, AttemptState lastState, LocalDate lastDate, String account) {

        /** A token of the default account. */
        public Pending(long tokenId, String tokenName, int lastAttempt, AttemptState lastState, LocalDate lastDate) {
            this(tokenId, tokenName, lastAttempt, lastState, lastDate, dev.billing.gateway.GatewayAccounts.DEFAULT);
        }

        /**
         * What to do with it on {@code date}: send the open row again; or a new attempt when there was none, or the
         * last one failed on an earlier night; null when it failed tonight already (tried again the next night).
         */
        public Deactivation next(LocalDate date) {
            if (lastState == null) {
                return new Deactivation(tokenId, tokenName, 1, false, account);
            }
            if (lastState.isOpen()) {
                return new Deactivation(tokenId, tokenName, lastAttempt, true, account);
            }
            if (lastState != AttemptState.SUCCEEDED && lastDate.isBefore(date)) {
                return new Deactivation(tokenId, tokenName, lastAttempt + 1, false, account);
            }
            return null;
        }
    }

    /** INVALID and DELETED tokens not deactivated yet, after {@code afterId} in id order. */
    public List<Pending> page(long afterId, int limit) {
        return jdbc.query("""
                SELECT t.id, t.token_name, COALESCE(d.attempt, 0), d.state, d.business_date, t.account
                FROM tokens t
                LEFT JOIN LATERAL (SELECT a.attempt, a.state, a.business_date FROM payment_attempts a
                                   WHERE a.token_name = t.token_name AND a.kind = ?
                                   ORDER BY a.attempt DESC LIMIT 1) d ON TRUE
                WHERE t.id > ? AND t.status IN ('INVALID', 'DELETED') AND t.deactivated_at IS NULL
                ORDER BY t.id LIMIT ?""",
                (rs, n) -> new Pending(rs.getLong(1), rs.getString(2), rs.getInt(3), AttemptState.of(rs.getString(4)),
                        rs.getDate(5) == null ? null : rs.getDate(5).toLocalDate(), rs.getString(6)),
                KIND, afterId, limit);
    }

    /**
     * Commits, in a transaction of its own, a PREPARED row for each new attempt; a resend's row exists already.
     * Returns what may be sent: the resends, and the new attempts whose row was written (a token another run is
     * deactivating at this moment is left out by the database's unique indexes).
     */
    public List<Deactivation> prepare(List<Deactivation> deactivations, LocalDate date, long jobExecutionId) {
        List<Attempts.New> rows = deactivations.stream().filter(d -> !d.resend())
                .map(d -> new Attempts.New(d.reference(), d.reference(), AttemptKind.TOKEN_DEACTIVATION, null, d.tokenName(), d.attempt(),
                        Money.ofMinor(0, CurrencyUnit.NONE), date, jobExecutionId, null)).toList();
        Set<String> written = new HashSet<>();
        newTransaction.executeWithoutResult(status -> written.addAll(attempts.prepare(rows)));
        return deactivations.stream().filter(d -> d.resend() || written.contains(d.reference())).toList();
    }

    /** What the gateway answered to one deactivation. */
    public record Result(Deactivation deactivation, GatewayReply reply) {
    }

    /** Records the replies in the caller's transaction; a success marks the token deactivated. */
    public void record(List<Result> results) {
        List<Attempts.Outcome> attempts = new ArrayList<>();
        List<Object[]> deactivated = new ArrayList<>();
        for (Result result : results) {
            attempts.add(new Attempts.Outcome(result.reply(), AttemptState.after(result.reply().outcome()), result.deactivation().reference()));
            if (result.reply().outcome() == OutcomeClass.SUCCESS) {
                deactivated.add(new Object[] {result.deactivation().tokenName()});
            }
        }
        boolean[] moved = this.attempts.settle(attempts);
        List<Outbox.Event> events = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            if (moved[i] && results.get(i).reply().outcome() == OutcomeClass.SUCCESS) {
                events.add(new Outbox.Event(EventType.TOKEN_DEACTIVATED, java.util.Map.of("token_name", results.get(i).deactivation().tokenName(),
                        "reference", results.get(i).deactivation().reference())));
            }
        }
        outbox.append(events);
        if (!deactivated.isEmpty()) {
            jdbc.batchUpdate("UPDATE tokens SET deactivated_at = now(), updated_at = now() WHERE token_name = ? AND deactivated_at IS NULL",
                    deactivated);
        }
    }
}
