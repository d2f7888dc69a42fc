package dev.billing.importing;

import dev.billing.database.CopyIn;
import dev.billing.gateway.GatewayAccounts;
import dev.billing.ledger.TokenStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Inserts new tokens and updates changed ones. A token's state is the engine's own: an import may promote a
 * NEW token to VERIFIED (it was created inside a successful payment) but never resets a verified or invalid one.
 */
class TokenImportWriter extends ImportWriter<TokenRecord> {

    private final GatewayAccounts accounts;

    TokenImportWriter(JdbcTemplate jdbc, Path file, GatewayAccounts accounts) {
        super(jdbc, ImportFileKind.TOKENS, file);
        this.accounts = accounts;
    }

    @Override
    protected String key(TokenRecord value) {
        return value.tokenName();
    }

    /** A stored token and which import and line last wrote it. */
    private record Stored(TokenRecord token, long importJobInstance, long importLine) implements WrittenBy {
    }

    /** A token to write, with the line of the file it comes from. */
    private record Written(TokenRecord token, long line) {
    }

    @Override
    protected Outcome apply(List<ImportRow<TokenRecord>> accepted, List<ImportRow<TokenRecord>> rejected, FileKeys keys) {
        Outcome outcome = new Outcome();
        if (accepted.isEmpty()) {
            return outcome;
        }
        Map<String, Stored> current = existing(accepted);
        keys.recall(current);
        long instance = jobInstanceId();
        List<Written> inserts = new ArrayList<>();
        List<Written> updates = new ArrayList<>();
        for (ImportRow<TokenRecord> row : accepted) {
            TokenRecord incoming = row.value();
            String duplicate = keys.claim(row);
            if (duplicate != null) {
                rejected.add(row.reject(duplicate));
                continue;
            }
            Stored stored = current.get(incoming.tokenName());
            TokenRecord before = stored == null ? null : stored.token();
            String accountRefusal = accountRefusal(before, incoming);
            if (accountRefusal != null) {
                rejected.add(row.reject(accountRefusal));
                continue;
            }
            TokenRecord after = incoming.account() != null ? incoming : withAccount(incoming,
                    before == null ? GatewayAccounts.DEFAULT : before.account());
            if (before != null) {
                String status = statusAfter(before.status(), incoming.status());
                after = new TokenRecord(incoming.tokenName(), incoming.customerId(), incoming.customerEmail(),
                        incoming.cardMask(), incoming.cardExpiry(), incoming.createdAt(), status,
                        incoming.agreementId() == null ? before.agreementId() : incoming.agreementId(),
                        incoming.language() == null ? before.language() : incoming.language(), before.account());
            }
            if (before == null) {
                outcome.inserted++;
                inserts.add(new Written(after, row.lineNumber()));
            } else if (Objects.equals(before, after)) {
                outcome.unchanged++;
                continue;
            } else {
                outcome.updated++;
                updates.add(new Written(after, row.lineNumber()));
            }
            keys.keptInRecord(after.tokenName());
        }
        insert(inserts, instance);
        update(updates, instance);
        return outcome;
    }

    /**
     * Why a row may not give its token this account: the account is not configured, or the token belongs to another
     * (an APS token lives at the merchant identifier that created it, and is charged there only); null when it may.
     */
    private String accountRefusal(TokenRecord before, TokenRecord incoming) {
        String account = incoming.account();
        if (account == null) {
            return before == null ? accounts.refusal(GatewayAccounts.DEFAULT, null) : null;
        }
        if (before != null && !before.account().equals(account)) {
            return "token " + incoming.tokenName() + " belongs to account '" + before.account() + "'; a token cannot move to account '"
                    + account + "' (a token lives at the merchant identifier that created it)";
        }
        return accounts.refusal(account, null);
    }

    private static TokenRecord withAccount(TokenRecord t, String account) {
        return new TokenRecord(t.tokenName(), t.customerId(), t.customerEmail(), t.cardMask(), t.cardExpiry(), t.createdAt(), t.status(),
                t.agreementId(), t.language(), account);
    }

    /**
     * A token's status after a row of the file: DELETED whatever it was (the customer removed the card, and nothing
     * brings it back); NEW becomes VERIFIED when the merchant says the card was checked; otherwise the engine's own.
     */
    static String statusAfter(String stored, String incoming) {
        TokenStatus was = TokenStatus.of(stored);
        TokenStatus is = TokenStatus.of(incoming);
        if (is == TokenStatus.DELETED || (was == TokenStatus.NEW && is == TokenStatus.VERIFIED)) {
            return incoming;
        }
        return stored;
    }

    private Map<String, Stored> existing(List<ImportRow<TokenRecord>> rows) {
        String[] names = rows.stream().map(r -> r.value().tokenName()).distinct().toArray(String[]::new);
        Map<String, Stored> found = new HashMap<>();
        jdbc.query("""
                SELECT token_name, customer_id, customer_email, card_mask, card_expiry, created_at, status, agreement_id,
                       import_job_instance, import_line, language, account
                FROM tokens WHERE token_name = ANY (?) FOR NO KEY UPDATE""",
                rs -> {
                    TokenRecord token = new TokenRecord(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getTimestamp(6).toInstant(), rs.getString(7), rs.getString(8), rs.getString(11), rs.getString(12));
                    long instance = rs.getLong(9);
                    found.put(token.tokenName(), new Stored(token, rs.wasNull() ? -1 : instance, rs.getLong(10)));
                }, (Object) names);
        return found;
    }

    private static final String COLUMNS =
            "token_name, customer_id, customer_email, card_mask, card_expiry, created_at, status, agreement_id, import_job_instance, import_line,"
            + " language, account";

    private static Object[] values(Written w, long instance) {
        TokenRecord t = w.token();
        return new Object[] {t.tokenName(), t.customerId(), t.customerEmail(), t.cardMask(), t.cardExpiry(), t.createdAt(), t.status(),
            t.agreementId(), instance, w.line(), t.language() == null ? "en" : t.language(), t.account()};
    }

    /** New tokens go straight into {@code tokens} by COPY: looked for under the chunk's lock, one import at a time. */
    private void insert(List<Written> tokens, long instance) {
        if (!tokens.isEmpty()) {
            CopyIn.into(jdbc, "tokens", COLUMNS, tokens, w -> values(w, instance));
        }
    }

    /**
     * Changed tokens go to a staging table by COPY, then into {@code tokens} by one set-based update. The status was
     * decided above from the stored one, under the chunk's lock ({@link #statusAfter}).
     */
    private void update(List<Written> tokens, long instance) {
        if (tokens.isEmpty()) {
            return;
        }
        CopyIn.stage(jdbc, "import_tokens_stage", """
                token_name TEXT, customer_id TEXT, customer_email TEXT, card_mask TEXT, card_expiry TEXT,
                created_at TIMESTAMPTZ, status TEXT, agreement_id TEXT, import_job_instance BIGINT, import_line BIGINT, language TEXT,
                account TEXT""",
                COLUMNS, tokens, w -> values(w, instance));
        jdbc.update("""
                UPDATE tokens SET
                    customer_id = s.customer_id, customer_email = s.customer_email,
                    card_mask = s.card_mask, card_expiry = s.card_expiry, created_at = s.created_at,
                    status = s.status, agreement_id = s.agreement_id, language = s.language,
                    import_job_instance = s.import_job_instance, import_line = s.import_line,
                    updated_at = now()
                FROM import_tokens_stage s
                WHERE tokens.token_name = s.token_name""");
    }
}
