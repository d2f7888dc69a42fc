package dev.billing.importing;

import dev.billing.ledger.TokenStatus;
import dev.billing.support.CardNumbers;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Pattern;
import org.springframework.batch.infrastructure.item.ItemProcessor;

/** Checks one line of {@code tokens.csv}. Pure: no database. */
public class TokenRowValidator implements ItemProcessor<CsvLine, ImportRow<TokenRecord>> {

    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");
    private static final Pattern CARD_MASK = Pattern.compile("\\d{6}\\*{2,9}\\d{4}");
    private static final Pattern EXPIRY = Pattern.compile("(0[1-9]|1[0-2])/\\d{2}");
    private static final Pattern ACCOUNT = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");

    @Override
    public ImportRow<TokenRecord> process(CsvLine line) {
        if (line.parseError() != null) {
            return ImportRow.rejected(line, line.parseError());
        }
        String reason = FieldRules.first(FieldRules.lineChecks(line, ImportFileKind.TOKENS.columns()),
                FieldRules.columnCount(line, 6, 10));
        if (reason != null) {
            return ImportRow.rejected(line, reason);
        }
        String[] f = line.fields();
        String tokenName = f[0].trim();
        String customerId = f[1].trim();
        String email = f[2].trim();
        String cardMask = f[3].trim();
        String expiry = f[4].trim();
        String createdAtText = f[5].trim();
        String status = f.length > 6 && !f[6].isBlank() ? f[6].trim().toUpperCase(Locale.ROOT) : TokenStatus.NEW.name();
        String agreementId = f.length > 7 && !f[7].isBlank() ? f[7].trim() : null;
        String language = f.length > 8 && !f[8].isBlank() ? f[8].trim().toLowerCase(Locale.ROOT) : null;
        String account = f.length > 9 && !f[9].isBlank() ? f[9].trim() : null;

        reason = FieldRules.first(FieldRules.tokenName(tokenName), FieldRules.customerId(customerId),
                email(email), cardMask(cardMask), expiry(expiry));
        if (reason != null) {
            return ImportRow.rejected(line, reason);
        }
        Instant createdAt = parseTimestamp(createdAtText);
        if (createdAt == null) {
            return ImportRow.rejected(line, "created_at '" + createdAtText + "' is not an ISO-8601 timestamp like 2026-01-31T09:15:00Z");
        }
        reason = FieldRules.dateRange("created_at", createdAt.atZone(ZoneOffset.UTC).toLocalDate());
        if (reason != null) {
            return ImportRow.rejected(line, reason);
        }
        if (TokenStatus.IMPORTED.stream().noneMatch(s -> s.name().equals(status))) {
            return ImportRow.rejected(line, "status '" + f[6].trim() + "' must be NEW, VERIFIED or DELETED (the customer removed the card)");
        }
        if (agreementId != null && !FieldRules.AGREEMENT_ID.matcher(agreementId).matches()) {
            return ImportRow.rejected(line, "agreement_id '" + agreementId + "' must be 1 to 100 letters, digits, '-', '_' or '.'");
        }
        if (language != null && !language.equals("en") && !language.equals("ar")) {
            return ImportRow.rejected(line, "language '" + f[8].trim() + "' must be en (English) or ar (Arabic)");
        }
        if (account != null && !ACCOUNT.matcher(account).matches()) {
            return ImportRow.rejected(line, "account '" + CardNumbers.mask(account) + "' must be the name of a gateway account"
                    + " (1 to 32 lower-case letters, digits, '-' or '_', as in billing.gateway.accounts.<name>)");
        }
        return ImportRow.accepted(line, new TokenRecord(tokenName, customerId, email, cardMask, expiry, createdAt, status, agreementId,
                language, account));
    }

    private static String email(String value) {
        if (value.isEmpty()) {
            return "customer_email is empty";
        }
        if (value.length() > 254 || !EMAIL.matcher(value).matches()) {
            return "customer_email '" + value + "' is not an e-mail address APS accepts (letters, digits, '_', '-', '.', '+', one '@')";
        }
        return FieldRules.formula("customer_email", value);
    }

    private static String cardMask(String value) {
        if (CardNumbers.looksLikeFullNumber(value)) {
            return "card_mask holds a full card number (" + CardNumbers.maskDigits(value)
                    + "); only the masked form, first six and last four digits with * between, may be imported";
        }
        if (!CARD_MASK.matcher(value).matches() || value.length() > 19) {
            return "card_mask '" + value + "' must be the first six and last four digits with * between, like 411111******1111";
        }
        return null;
    }

    private static String expiry(String value) {
        if (!EXPIRY.matcher(value).matches()) {
            return "card_expiry '" + value + "' must be MM/YY with a month from 01 to 12";
        }
        return null;
    }

    /** ISO-8601 with an offset or Z; a timestamp without an offset is read as UTC. */
    static Instant parseTimestamp(String value) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }
}
