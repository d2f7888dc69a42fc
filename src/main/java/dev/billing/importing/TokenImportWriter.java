package dev.billing.importing;

import dev.billing.database.CopyIn;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Inserts new tokens and updates changed ones. A token's state is the engine's own: an import may promote a
 * NEW token to VERIFIED (it was created inside a successful payment) but never resets a verified or invalid one.
 */
class TokenImportWriter extends ImportWriter<TokenRecord> {

    TokenImportWriter(JdbcTemplate jdbc, Path file) {
        super(jdbc, ImportFileKind.TOKENS, file);
    }

    @Override
    protected String key(TokenRecord value) {
        return value.tokenName();
    }

    @Override
    protected Outcome apply(List<ImportRow<TokenRecord>> accepted, List<ImportRow<TokenRecord>> rejected, FileKeys keys) {
        Outcome outcome = new Outcome();
        if (accepted.isEmpty()) {
            return outcome;
        }
        keys.lookUp(accepted.stream().map(r -> r.value().tokenName()).distinct().toArray(String[]::new));
        Map<String, TokenRecord> current = existing(accepted);
        Map<String, TokenRecord> toWrite = new LinkedHashMap<>();
        for (ImportRow<TokenRecord> row : accepted) {
            TokenRecord incoming = row.value();
            String duplicate = keys.claim(row);
            if (duplicate != null) {
                rejected.add(row.reject(duplicate));
                continue;
            }
            TokenRecord before = current.get(incoming.tokenName());
            TokenRecord after = incoming;
            if (before != null) {
                String status = statusAfter(before.status(), incoming.status());
                after = new TokenRecord(incoming.tokenName(), incoming.customerId(), incoming.customerEmail(),
                        incoming.cardMask(), incoming.cardExpiry(), incoming.createdAt(), status,
                        incoming.agreementId() == null ? before.agreementId() : incoming.agreementId());
            }
            if (before == null) {
                outcome.inserted++;
            } else if (Objects.equals(before, after)) {
                outcome.unchanged++;
                continue;
            } else {
                outcome.updated++;
            }
            current.put(after.tokenName(), after);
            toWrite.put(after.tokenName(), after);
        }
        upsert(List.copyOf(toWrite.values()));
        return outcome;
    }

    /**
     * A token's status after a row of the file: DELETED whatever it was (the customer removed the card, and nothing
     * brings it back); NEW becomes VERIFIED when the merchant says the card was checked; otherwise the engine's own.
     */
    static String statusAfter(String stored, String incoming) {
        if (incoming.equals("DELETED") || (stored.equals("NEW") && incoming.equals("VERIFIED"))) {
            return incoming;
        }
        return stored;
    }

    private Map<String, TokenRecord> existing(List<ImportRow<TokenRecord>> rows) {
        String[] names = rows.stream().map(r -> r.value().tokenName()).distinct().toArray(String[]::new);
        Map<String, TokenRecord> found = new HashMap<>();
        jdbc.query("""
                SELECT token_name, customer_id, customer_email, card_mask, card_expiry, created_at, status, agreement_id
                FROM tokens WHERE token_name = ANY (?) FOR NO KEY UPDATE""",
                rs -> {
                    found.put(rs.getString(1), new TokenRecord(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getTimestamp(6).toInstant(), rs.getString(7), rs.getString(8)));
                }, (Object) names);
        return found;
    }

    /** The chunk's rows go to a staging table by COPY, then into {@code tokens} by one set-based upsert. */
    private void upsert(List<TokenRecord> tokens) {
        if (tokens.isEmpty()) {
            return;
        }
        CopyIn.stage(jdbc, "import_tokens_stage", """
                line BIGSERIAL, token_name TEXT, customer_id TEXT, customer_email TEXT, card_mask TEXT, card_expiry TEXT,
                created_at TIMESTAMPTZ, status TEXT, agreement_id TEXT""",
                "token_name, customer_id, customer_email, card_mask, card_expiry, created_at, status, agreement_id", tokens,
                t -> new Object[] {t.tokenName(), t.customerId(), t.customerEmail(), t.cardMask(), t.cardExpiry(), t.createdAt(), t.status(),
                    t.agreementId()});
        jdbc.update("""
                INSERT INTO tokens (token_name, customer_id, customer_email, card_mask, card_expiry, created_at, status, agreement_id)
                SELECT token_name, customer_id, customer_email, card_mask, card_expiry, created_at, status, agreement_id
                FROM import_tokens_stage ORDER BY line
                ON CONFLICT (token_name) DO UPDATE SET
                    customer_id = excluded.customer_id, customer_email = excluded.customer_email,
                    card_mask = excluded.card_mask, card_expiry = excluded.card_expiry, created_at = excluded.created_at,
                    status = CASE WHEN excluded.status = 'DELETED' OR (tokens.status = 'NEW' AND excluded.status = 'VERIFIED')
                                  THEN excluded.status ELSE tokens.status END,
                    agreement_id = COALESCE(excluded.agreement_id, tokens.agreement_id),
                    updated_at = now()""");
    }
}
