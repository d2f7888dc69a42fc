package dev.billing.gateway;

import java.util.Map;

/**
 * A gateway call's result: its outcome class, and what the ledger and the reports keep of the reply. For a
 * call whose reply never came or could not be trusted, the codes are null and {@code problem} says why.
 */
public record GatewayReply(ApsCommand command, String merchantReference, OutcomeClass outcome, String responseCode,
                           String responseMessage, String fortId, String acquirerResponseCode, String authorizationCode,
                           String problem, Map<String, String> fields) {

    /** How {@link #problem()} begins when the call got no reply at all. */
    static final String CONNECTION_FAILED = "connection failed";
    static final String NO_REPLY_WITHIN = "no reply within";

    static GatewayReply transportFailure(ApsCommand command, String merchantReference, String problem) {
        return new GatewayReply(command, merchantReference, OutcomeClass.UNKNOWN, null, null, null, null, null, problem, Map.of());
    }

    /** True when the call got no reply at all (connection refused or broken, timeout): nothing answered. */
    public boolean isUnanswered() {
        return responseCode == null && problem != null
                && (problem.startsWith(CONNECTION_FAILED) || problem.startsWith(NO_REPLY_WITHIN));
    }

    public String field(String name) {
        return fields.get(name);
    }

    /** What a person reads about the outcome: code, message and acquirer code, or why there was no usable reply. */
    public String describe() {
        if (responseCode == null) {
            return problem;
        }
        String text = responseCode + (responseMessage == null ? "" : " " + responseMessage);
        return acquirerResponseCode == null ? text : text + " (acquirer " + acquirerResponseCode + ")";
    }

    /** For logs: the command, the reference and the code, never a secret. */
    public String summary() {
        return command + " " + merchantReference + " -> " + (responseCode == null ? problem : responseCode) + " " + outcome;
    }
}
