package dev.billing.importing;

import dev.billing.support.CardNumbers;
import java.util.List;
import java.util.Locale;

/** The two input files and their columns, as the contract defines them. */
@SuppressWarnings("ImmutableEnumChecker") // the lists are List.copyOf copies: unmodifiable
public enum ImportFileKind {
    TOKENS(List.of("token_name", "customer_id", "customer_email", "card_mask", "card_expiry", "created_at"),
            List.of("status", "agreement_id", "language", "account")),
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
     * Checks a header row; returns null when it is acceptable, or what is wrong with it. Columns are found by their
     * names, in any order: every required one must be there, the optional ones may be left out, and a name the
     * contract does not know (a typo) refuses the file.
     */
    public String checkHeader(String[] header) {
        List<String> all = columns();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < header.length; i++) {
            String name = name(header[i], i);
            if (!all.contains(name)) {
                return "header column " + (i + 1) + " '" + CardNumbers.mask(header[i].trim()) + "' is not a column of " + label()
                        + ".csv; expected " + expectedHeader();
            }
            if (!seen.add(name)) {
                return "header names column '" + name + "' twice; expected " + expectedHeader();
            }
        }
        for (String name : required) {
            if (!seen.contains(name)) {
                return "header has no column '" + name + "'; expected " + expectedHeader();
            }
        }
        return null;
    }

    /** For each column of {@link #columns()}, where it stands in this (checked) header, or -1 when it is left out. */
    public int[] columnOrder(String[] header) {
        List<String> all = columns();
        int[] order = new int[all.size()];
        java.util.Arrays.fill(order, -1);
        for (int i = 0; i < header.length; i++) {
            order[all.indexOf(name(header[i], i))] = i;
        }
        return order;
    }

    private static String name(String column, int index) {
        String name = column.trim().toLowerCase(Locale.ROOT);
        return index == 0 ? name.replace("\uFEFF", "") : name;
    }

    public String expectedHeader() {
        String all = String.join(",", required);
        return optional.isEmpty() ? all : all + "[," + String.join(",", optional) + "]";
    }
}
