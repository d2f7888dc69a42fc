package dev.billing.gateway;

import java.util.List;
import java.util.Set;

/**
 * The classification of APS response codes: one table, read top to bottom, the first matching row wins.
 * A {@code response_code} is a 2-digit status followed by a 3-digit message code; declines may carry an
 * ISO 8583 style {@code acquirer_response_code}. Anything the table does not know is UNKNOWN: never guessed.
 * Sources: aps-protocol.md section 4 (official code tables; decline mapping from the official plugins).
 */
public final class ResponseCodes {

    /** One row. {@code null} in a column matches anything. */
    public record Rule(ApsCommand command, Set<String> statuses, Set<String> messages, Set<String> acquirerCodes,
                       OutcomeClass outcome, String meaning) {

        boolean matches(ApsCommand cmd, String status, String message, String acquirer) {
            return (command == null || command == cmd)
                    && (statuses == null || statuses.contains(status))
                    && (messages == null || messages.contains(message))
                    && (acquirerCodes == null || (acquirer != null && acquirerCodes.contains(acquirer)));
        }
    }

    private static Rule row(ApsCommand command, Set<String> statuses, Set<String> messages, Set<String> acquirer,
                            OutcomeClass outcome, String meaning) {
        return new Rule(command, statuses, messages, acquirer, outcome, meaning);
    }

    private static final Set<String> ANY_FAILURE_STATUS = Set.of("03", "05", "07", "09", "13");

    public static final List<Rule> TABLE = List.of(
            row(ApsCommand.PURCHASE, Set.of("14"), Set.of("000"), null, OutcomeClass.SUCCESS, "purchase success"),
            row(ApsCommand.AUTHORIZATION, Set.of("02"), Set.of("000"), null, OutcomeClass.SUCCESS, "authorization success"),
            row(ApsCommand.REFUND, Set.of("06"), Set.of("000"), null, OutcomeClass.SUCCESS, "refund success"),
            row(ApsCommand.VOID_AUTHORIZATION, Set.of("08"), Set.of("000"), null, OutcomeClass.SUCCESS, "void success"),
            row(ApsCommand.CHECK_STATUS, Set.of("12"), Set.of("000"), null, OutcomeClass.SUCCESS, "check status success"),
            // aps-protocol.md 3.6 and section 4 (58 token updated / 59 token update failed; SEV PayfortStatusEnum)
            row(ApsCommand.UPDATE_TOKEN, Set.of("58"), Set.of("000"), null, OutcomeClass.SUCCESS, "token updated"),
            row(null, null, Set.of("007", "066"), null, OutcomeClass.DUPLICATE_REFERENCE, "duplicate order number / merchant reference already exists"),
            row(null, Set.of("20"), Set.of("064"), null, OutcomeClass.HARD_DECLINE, "3-D Secure requested: an off-session charge needs the customer"),
            row(null, Set.of("15"), null, null, OutcomeClass.UNKNOWN, "uncertain transaction"),
            row(null, Set.of("19"), null, null, OutcomeClass.UNKNOWN, "transaction pending"),
            row(null, Set.of("20"), null, null, OutcomeClass.UNKNOWN, "on hold"),
            row(null, Set.of("10"), null, null, OutcomeClass.UNKNOWN, "incomplete"),
            row(null, Set.of("40"), null, null, OutcomeClass.UNKNOWN, "transaction in review"),
            row(null, Set.of("01"), null, null, OutcomeClass.UNKNOWN, "order stored, not processed"),
            row(null, null, Set.of("006", "051"), null, OutcomeClass.UNKNOWN, "technical problem"),
            row(null, null, Set.of("777", "778", "779", "780", "781", "784", "662", "090"), null, OutcomeClass.UNKNOWN,
                    "processing not confirmed (timeout, session, transformation, still processing, in review)"),
            // Account-level: every request of the run would meet it, so the run stops and no order is touched.
            row(null, null, Set.of("004", "008", "009", "010", "017", "018", "038"), null, OutcomeClass.CONFIG_ERROR,
                    "account error (invalid command, signature mismatch, merchant identifier, access code, not allowed"
                    + " by acquirer or processor, token service inactive)"),
            // Request-level: this request's own data (an amount, a currency, a field); this movement fails alone.
            row(null, null, Set.of("001", "002", "005", "013", "032", "033"), null, OutcomeClass.REJECTED,
                    "request refused for its data (missing or invalid parameter, invalid amount, invalid currency,"
                    + " invalid length, value not allowed)"),
            row(null, null, Set.of("012", "016", "044", "088", "100", "785"), null, OutcomeClass.HARD_DECLINE,
                    "card expired / invalid card / token unknown / token not for this / invalid expiry / fraud blocked"),
            row(null, null, Set.of("666"), Set.of("14", "41", "43", "54", "57", "62"), OutcomeClass.HARD_DECLINE,
                    "declined by the issuer: invalid card, lost, stolen, expired, not permitted, restricted"),
            row(null, null, Set.of("666"), null, OutcomeClass.SOFT_DECLINE, "declined by the issuer (do not honour, funds, limit, issuer down)"),
            row(null, null, Set.of("029", "054", "079"), null, OutcomeClass.SOFT_DECLINE, "insufficient funds / cannot be processed now / fraud challenged"),
            row(ApsCommand.CHECK_STATUS, null, null, null, OutcomeClass.UNKNOWN, "the status query failed"),
            // A token update that failed for a reason not singled out above: final for this request, tried again another night.
            row(ApsCommand.UPDATE_TOKEN, Set.of("59"), null, null, OutcomeClass.REJECTED, "token update failed"),
            row(null, ANY_FAILURE_STATUS, null, null, OutcomeClass.SOFT_DECLINE, "failed for a reason the table does not single out"),
            row(null, Set.of("00"), null, null, OutcomeClass.CONFIG_ERROR, "invalid request"));

    private ResponseCodes() {
    }

    /** The row that classifies this reply, or null when none does (the reply is then UNKNOWN). */
    public static Rule ruleFor(ApsCommand command, String responseCode, String acquirerCode) {
        if (responseCode == null || !responseCode.matches("\\d{5}")) {
            return null;
        }
        String status = responseCode.substring(0, 2);
        String message = responseCode.substring(2);
        for (Rule rule : TABLE) {
            if (rule.matches(command, status, message, acquirerCode)) {
                return rule;
            }
        }
        return null;
    }

    public static OutcomeClass classify(ApsCommand command, String responseCode, String acquirerCode) {
        Rule rule = ruleFor(command, responseCode, acquirerCode);
        return rule == null ? OutcomeClass.UNKNOWN : rule.outcome();
    }
}
