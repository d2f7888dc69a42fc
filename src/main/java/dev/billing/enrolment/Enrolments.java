package dev.billing.enrolment;

import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** The enrolments the engine issued (table {@code enrolments}), and the tokens their returns store. */
@Component
public class Enrolments {

    /**
     * One issued enrolment; {@code replaces} is the token a card-update link replaces, else null; {@code account} the gateway
     * account whose page it went to, which its token belongs to.
     */
    public record Enrolment(String merchantReference, String customerId, String email, String returnTo, String linkQuery,
                            Instant linkExpiresAt, String replaces, String account) {
    }

    private final JdbcTemplate jdbc;
    private final SecureRandom random = new SecureRandom();

    public Enrolments(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The enrolment of this link, recorded before its page is shown: the one issued for the same link, while it is not
     * used (opening a link again, or reloading its page, creates no row), else a new one. Returns its merchant reference.
     */
    public String issue(EnrolLinks.Link link, String linkQuery, String account) {
        String key = key(link);
        for (int tries = 0; tries < 3; tries++) {
            List<String> issued = jdbc.queryForList(
                    "SELECT merchant_reference FROM enrolments WHERE link_key = ? AND state = 'ISSUED' AND account = ?", String.class, key, account);
            if (!issued.isEmpty()) {
                return issued.get(0);
            }
            String reference = "EN-" + HexFormat.of().formatHex(random.generateSeed(12));
            int inserted = jdbc.update("""
                    INSERT INTO enrolments (merchant_reference, customer_id, customer_email, return_to, link_query, link_expires_at, state,
                                            link_key, replaces, account)
                    VALUES (?, ?, ?, ?, ?, ?, 'ISSUED', ?, ?, ?) ON CONFLICT (link_key) WHERE state = 'ISSUED' DO NOTHING""",
                    reference, link.customerId(), link.email(), link.returnTo(), linkQuery,
                    Timestamp.from(Instant.ofEpochSecond(link.expires())), key, link.replaces(), account);
            if (inserted == 1) {
                return reference;
            }
            // the same link was opened at the same moment elsewhere: take its row
        }
        throw new IllegalStateException("the enrolment of one link kept changing while it was issued");
    }

    /** A link's key: the SHA-256 of what it signs (the same link however its query is written). */
    static String key(EnrolLinks.Link link) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(link.signed().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * Takes the enrolment for its return, once: ISSUED becomes USED in one statement, so of two returns at once only one
     * gets it. Empty for a reference the engine never issued, or one used before. In the caller's transaction.
     */
    public Optional<Enrolment> use(String reference, String responseCode, String account) {
        List<Enrolment> used = jdbc.query("""
                UPDATE enrolments SET state = 'USED', used_at = now(), response_code = ?
                WHERE merchant_reference = ? AND state = 'ISSUED' AND account = ?
                RETURNING merchant_reference, customer_id, customer_email, return_to, link_query, link_expires_at, replaces, account""",
                (rs, n) -> new Enrolment(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getTimestamp(6).toInstant(), rs.getString(7), rs.getString(8)),
                responseCode == null || responseCode.length() > 16 ? null : responseCode, reference, account);
        return used.stream().findFirst();
    }

    /** The account of token {@code tokenName} ({@code default} when there is no such token). */
    public String accountOf(String tokenName) {
        return jdbc.queryForList("SELECT account FROM tokens WHERE token_name = ?", String.class, tokenName).stream().findFirst()
                .orElse(dev.billing.gateway.GatewayAccounts.DEFAULT);
    }

    /** Whether {@code tokenName} is a token of {@code customerId} that a new card can still replace (not removed). */
    public boolean replaceable(String customerId, String tokenName) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM tokens WHERE token_name = ? AND customer_id = ? AND status <> 'DELETED')",
                Boolean.class, tokenName, customerId));
    }

    /**
     * Stores the token NEW: the customer, the masked card, the expiry ({@code MM/YY}) and the agreement the engine keeps
     * for merchant-initiated charges. False when a token of that name exists already (nothing is changed then).
     */
    public boolean storeToken(Enrolment enrolment, String tokenName, String cardMask, String cardExpiry, String agreementId) {
        int stored = jdbc.update("""
                INSERT INTO tokens (token_name, customer_id, customer_email, card_mask, card_expiry, created_at, status, agreement_id, account)
                VALUES (?, ?, ?, ?, ?, now(), 'NEW', ?, ?) ON CONFLICT (token_name) DO NOTHING""",
                tokenName, enrolment.customerId(), enrolment.email(), cardMask, cardExpiry, agreementId, enrolment.account());
        if (stored == 1) {
            jdbc.update("UPDATE enrolments SET token_name = ? WHERE merchant_reference = ?", tokenName, enrolment.merchantReference());
        }
        return stored == 1;
    }
}
