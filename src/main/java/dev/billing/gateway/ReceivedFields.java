package dev.billing.gateway;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a receiver of signed fields checks beyond the signature (aps-protocol.md section 7). APS's signature joins
 * {@code name=value} pairs with nothing between them, so one field's value can swallow the next pair without breaking
 * it: a valid signature proves the string, not the fields. So the account fields must be the engine's own, and every
 * field a settlement acts on must be there, in its documented format (none of which can hold another pair). Pure.
 */
public final class ReceivedFields {

    private static final Pattern MERCHANT_REFERENCE = Pattern.compile("[A-Za-z0-9._-]{1,40}");
    private static final Pattern AMOUNT = Pattern.compile("\\d{1,18}");
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
    private static final Pattern RESPONSE_CODE = Pattern.compile("\\d{5}");
    private static final Pattern STATUS = Pattern.compile("\\d{2}");
    private static final Pattern FORT_ID = Pattern.compile("\\d{1,20}");
    private static final Pattern TOKEN_NAME = Pattern.compile("[A-Za-z0-9.@_-]{1,100}");

    private ReceivedFields() {
    }

    /**
     * Why fields that claim to be from the engine's own account are not: {@code access_code} and
     * {@code merchant_identifier} must be there and equal {@code own}'s; null when they are.
     */
    public static String accountRefusal(Map<String, String> fields, GatewayProperties own) {
        if (!own.accessCode().equals(fields.get("access_code"))) {
            return fields.containsKey("access_code") ? "its access_code is not this account's" : "it has no access_code";
        }
        if (!own.merchantIdentifier().equals(fields.get("merchant_identifier"))) {
            return fields.containsKey("merchant_identifier") ? "its merchant_identifier is not this account's" : "it has no merchant_identifier";
        }
        return null;
    }

    /**
     * Why fields that report {@code command} cannot settle a ledger row: a field a settlement acts on is missing or not
     * in its documented format (digits, an ISO currency code, a five-digit response code, a two-digit status); null
     * when they can. A payment or a refund needs {@code merchant_reference}, {@code amount}, {@code currency},
     * {@code response_code}, {@code status} and {@code fort_id}; a void the same but the amount (APS sends none); a token
     * update {@code merchant_reference}, {@code response_code}, {@code status} and {@code token_name}.
     */
    public static String settlementRefusal(ApsCommand command, Map<String, String> fields) {
        Map<String, Pattern> required = new LinkedHashMap<>();
        required.put("merchant_reference", MERCHANT_REFERENCE);
        required.put("response_code", RESPONSE_CODE);
        required.put("status", STATUS);
        switch (command) {
            case PURCHASE, AUTHORIZATION, REFUND -> {
                required.put("amount", AMOUNT);
                required.put("currency", CURRENCY);
                required.put("fort_id", FORT_ID);
            }
            case VOID_AUTHORIZATION -> required.put("fort_id", FORT_ID);
            case UPDATE_TOKEN -> required.put("token_name", TOKEN_NAME);
            case CHECK_STATUS -> {
                return "a status check is never notified";
            }
        }
        for (Map.Entry<String, Pattern> field : required.entrySet()) {
            String value = fields.get(field.getKey());
            if (value == null) {
                return "it has no " + field.getKey();
            }
            if (!field.getValue().matcher(value).matches()) {
                return "its " + field.getKey() + " is not in its format";
            }
        }
        for (String optional : List.of("amount", "currency", "fort_id")) {
            Pattern format = optional.equals("amount") ? AMOUNT : optional.equals("currency") ? CURRENCY : FORT_ID;
            if (fields.containsKey(optional) && !format.matcher(fields.get(optional)).matches()) {
                return "its " + optional + " is not in its format";
            }
        }
        String code = fields.get("response_code");
        if (!code.startsWith(fields.get("status"))) {
            return "its response_code does not begin with its status";
        }
        return null;
    }
}
