package dev.billing.importing;

import java.util.List;
import java.util.Locale;

/** The two input files and their columns, as the contract defines them. */
@SuppressWarnings("ImmutableEnumChecker") // the lists are List.copyOf copies: unmodifiable
public enum ImportFileKind {
    TOKENS(List.of("token_name", "customer_id", "customer_email", "card_mask", "card_expiry", "created_at"), List.of("status")),
    ORDERS(List.of("order_id", "customer_id", "token_name", "amount", "currency", "status", "charge_on"), List.of());

    private final List<String> required;
    private final List<String> optional;

    ImportFileKind(List<String> required, List<String> optional) {
        this.required = List.copyOf(required);
        this.optional = List.copyOf(optional);
    }

    /** Every column, the optional ones included, in the contract's order. */
    public List<String> columns() {
        List<String> all = new java.util.ArrayList<>(required);
        all.addAll(optional);
        return all;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Checks a header row; returns null when it is acceptable, or what is wrong with it.
     * The columns must come in the contract's order; the optional trailing ones may be left out.
     */
    public String checkHeader(String[] header) {
        int n = header.length;
        if (n < required.size() || n > required.size() + optional.size()) {
            return "header has " + n + " columns; expected " + expectedHeader();
        }
        for (int i = 0; i < n; i++) {
            String expected = i < required.size() ? required.get(i) : optional.get(i - required.size());
            String actual = header[i].trim().toLowerCase(Locale.ROOT);
            if (i == 0) {
                actual = actual.replace("\uFEFF", "");
            }
            if (!actual.equals(expected)) {
                return "header column " + (i + 1) + " is '" + CardNumbers.mask(header[i].trim()) + "' but should be '" + expected
                        + "'; expected " + expectedHeader();
            }
        }
        return null;
    }

    public String expectedHeader() {
        String all = String.join(",", required);
        return optional.isEmpty() ? all : all + "[," + String.join(",", optional) + "]";
    }
}
