package dev.billing.notifications;

import dev.billing.audit.AuditLog;
import dev.billing.gateway.ApsCommand;
import dev.billing.gateway.ApsJson;
import dev.billing.gateway.ApsSignature;
import dev.billing.gateway.GatewayAccounts;
import dev.billing.gateway.GatewayProperties;
import dev.billing.gateway.ReceivedFields;
import dev.billing.ledger.AttemptQueries;
import dev.billing.support.CardNumbers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Takes a notification's fields: checks its signature (the response phrase), then that it is the engine's own
 * account's and that every field a settlement acts on is there in its format ({@link ReceivedFields}: a signed set of
 * fields can be re-arranged under the same signature), all before anything is stored; stores it once (keyed by a hash
 * of its content: APS repeats notifications), and lets it settle the ledger, all in one transaction, so that a
 * notification that was not stored changed nothing and APS's own retry brings it again.
 */
@Component
public class NotificationService {

    /** What a notification came to. */
    public enum Outcome {
        /** It settled an open ledger row. */
        SETTLED,
        /** The row was settled already, the same way. */
        AGREES,
        /** A status that is not final (pending, on hold): stored, nothing settled; status checks stay the guarantee. */
        NOT_FINAL,
        /** It contradicts a settled row: an exception for a person, the row unchanged. */
        CONFLICT,
        /** No movement the engine sent has its reference: an exception for a person. */
        UNKNOWN_REFERENCE,
        /** Received before (same content): nothing done again. */
        DUPLICATE
    }

    /** The notification is refused (its signature, its account or its fields): nothing was stored. */
    public static final class BadSignature extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadSignature() {
            this("the notification's signature does not verify with the response phrase");
        }

        BadSignature(String message) {
            super(message);
        }
    }

    private static final Logger security = LoggerFactory.getLogger("dev.billing.security");
    private static final List<String> NEVER_STORED = List.of("access_code");

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final NotificationSettlement settlement;
    private final GatewayAccounts accounts;
    private final AttemptQueries ledgerRows;
    private final AuditLog audit;

    public NotificationService(JdbcTemplate jdbc, PlatformTransactionManager transactionManager, NotificationSettlement settlement,
                               GatewayAccounts accounts, AttemptQueries ledgerRows, AuditLog audit) {
        this.ledgerRows = ledgerRows;
        this.jdbc = jdbc;
        this.audit = audit;
        this.transaction = new TransactionTemplate(transactionManager);
        this.settlement = settlement;
        this.accounts = accounts;
    }

    /**
     * Verifies, stores and applies one notification. {@code from} and {@code size} only describe it in the security
     * log when its signature fails (the body itself is never logged).
     *
     * @throws BadSignature when the signature does not verify: nothing is stored
     */
    public Outcome receive(Map<String, String> fields, String from, int size) {
        // the account it names (by its merchant identifier) is the only one whose phrase may sign it
        String named = accounts.byMerchantIdentifier(fields.get("merchant_identifier"));
        String account = named == null ? GatewayAccounts.DEFAULT : named;
        GatewayProperties gateway = accounts.effective(account);
        if (!new ApsSignature(gateway.signature()).verify(fields, gateway.responsePhrase())) {
            refuse(from, size, "its signature does not verify with the response phrase");
        }
        String refusal = ReceivedFields.accountRefusal(fields, gateway);
        if (refusal == null) {
            refusal = otherAccount(fields.get("merchant_reference"), account);
        }
        ApsCommand command = NotificationSettlement.command(NotificationSettlement.commandOf(fields));
        if (refusal == null && command != null) {
            refusal = ReceivedFields.settlementRefusal(command, fields);
        }
        if (refusal != null) {
            refuse(from, size, refusal);
        }
        String hash = contentHash(fields);
        return transaction.execute(status -> {
            // applied first, stored with what it did; when the same content was stored before, all of it is undone
            NotificationSettlement.Applied applied = settlement.apply(fields);
            int stored = jdbc.update("""
                    INSERT INTO aps_notifications (content_sha256, command, merchant_reference, response_code, fields, outcome,
                                                   attempt_reference)
                    VALUES (?, ?, ?, ?, ?::jsonb, ?, ?) ON CONFLICT (content_sha256) DO NOTHING""",
                    hash, clip(NotificationSettlement.commandOf(fields), 32), clip(fields.get("merchant_reference"), 100),
                    clip(fields.get("response_code"), 16), storable(fields), applied.outcome().name(), applied.attemptReference());
            if (stored == 0) {
                status.setRollbackOnly();
                return Outcome.DUPLICATE;
            }
            return applied.outcome();
        });
    }

    /**
     * Why a notification of {@code account} may not touch the ledger rows of {@code reference}: they are another
     * account's (each row is settled only by what its own account signed); null when they are not.
     */
    private String otherAccount(String reference, String account) {
        if (reference == null || !accounts.several()) {
            return null;
        }
        List<String> owners = ledgerRows.accountsOf(reference);
        return owners.isEmpty() || owners.contains(account) ? null
                : "it is signed by account " + account + " but merchant_reference " + clip(reference, 40) + " is account "
                + String.join(", ", owners) + "'s";
    }

    /** Logs and audits (counted per source and minute) a refused notification, and refuses it. */
    private void refuse(String from, int size, String why) {
        security.warn("Refused a notification from {} ({} bytes): {}", from, size, why);
        audit.countRefusal(from, "NOTIFICATION_REFUSED", "POST " + NotificationController.PATH, "400: " + why);
        throw new BadSignature("the notification is refused: " + why);
    }

    /** The fields as JSON, without the access code and with anything that looks like a full card number masked. */
    static String storable(Map<String, String> fields) {
        Map<String, String> kept = new LinkedHashMap<>();
        fields.forEach((name, value) -> {
            if (!NEVER_STORED.contains(name)) {
                kept.put(name, CardNumbers.contains(value) ? CardNumbers.mask(value) : value);
            }
        });
        return new String(ApsJson.write(kept), StandardCharsets.UTF_8);
    }

    /**
     * A SHA-256 of the fields, in name order, the signature in lower case: the same notification as JSON or as a form,
     * or with its signature in upper case (APS's own SDKs send either), has the same hash.
     */
    static String contentHash(Map<String, String> fields) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            new TreeMap<>(fields).forEach((name, value) -> {
                digest.update(name.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                String content = name.equals("signature") ? value.toLowerCase(java.util.Locale.ROOT) : value;
                digest.update(content.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            });
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static String clip(String value, int length) {
        return value == null || value.length() <= length ? value : value.substring(0, length);
    }
}
