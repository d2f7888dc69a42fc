package dev.billing.reconciliation;

import dev.billing.ledger.Movement;
import dev.billing.money.CurrencyUnit;
import dev.billing.money.InvalidAmountException;
import dev.billing.money.Money;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Matches the ledger's movements with the gateway's own records (an APS transaction report exported as CSV, with
 * the reporting API's column names). Pure: fed both sides, it classes every movement.
 */
public final class SettlementMatcher {

    /** {@code SIMULATED}: the movement went to the built-in simulator; no money moved, and it is never matched as real. */
    public enum MatchClass { MATCHED, MISSING_AT_GATEWAY, MISSING_IN_LEDGER, AMOUNT_DIFFERS, CURRENCY_DIFFERS, STATUS_DIFFERS, SIMULATED }

    /** A row of the gateway's report. {@code amountMinor} is null when its amount could not be read. */
    public record GatewayRow(String merchantReference, String operation, String fortId, Long amountMinor, String amountText,
                             String currency, boolean succeeded, String status) {
    }

    /** One line of {@code matching-<date>.csv}. */
    public record Match(MatchClass matchClass, String merchantReference, String operation, String fortId, Long ledgerAmount,
                        Long gatewayAmount, String currency, String ledgerOutcome, String gatewayStatus, String detail, String account) {

        /** A line of no known account (a row of the gateway's report the ledger lacks). */
        public Match(MatchClass matchClass, String merchantReference, String operation, String fortId, Long ledgerAmount,
                     Long gatewayAmount, String currency, String ledgerOutcome, String gatewayStatus, String detail) {
            this(matchClass, merchantReference, operation, fortId, ledgerAmount, gatewayAmount, currency, ledgerOutcome, gatewayStatus,
                    detail, "");
        }
    }

    private static final Set<String> SUCCESS_STATUSES = Set.of("02", "04", "06", "08", "14");

    private SettlementMatcher() {
    }

    /** The gateway operation a ledger movement is. */
    public static String operationOf(String kind) {
        return switch (kind) {
            case "CHARGE", "VERIFICATION_CHARGE" -> "PURCHASE";
            case "VERIFICATION_REFUND" -> "REFUND";
            case "VERIFICATION_AUTHORIZATION" -> "AUTHORIZATION";
            case "VERIFICATION_VOID" -> "VOID_AUTHORIZATION";
            default -> kind;
        };
    }

    /** A report row's status: a 2-digit status, a 5-digit response code, or a word such as "Success". */
    public static boolean succeeded(String status) {
        String s = status == null ? "" : status.trim();
        if (s.matches("\\d{2}|\\d{5}")) {
            return SUCCESS_STATUSES.contains(s.substring(0, 2)) && (s.length() == 2 || s.endsWith("000"));
        }
        String word = s.toLowerCase(Locale.ROOT);
        return word.startsWith("success") || word.equals("captured") || word.equals("refunded") || word.equals("authorized");
    }

    /** Reads an amount: with a decimal point in major units of the currency, without one in minor units (as APS sends them). */
    public static Optional<Long> amount(String text, String currency) {
        try {
            if (text.contains(".")) {
                return CurrencyUnit.of(currency).map(unit -> Money.parse(text, unit).minorUnits());
            }
            return Optional.of(Long.parseLong(text.trim()));
        } catch (NumberFormatException | InvalidAmountException e) {
            return Optional.empty();
        }
    }

    /**
     * Classes every movement of the date and every row of the gateway's report, in memory (tests and small reports;
     * {@link SettlementMatching} streams).
     *
     * @param ledger     the business date's movements
     * @param elsewhere  movement keys ({@code reference + " " + operation}) the ledger holds on other dates
     */
    public static List<Match> match(List<Movement> ledger, List<GatewayRow> gateway, Set<String> elsewhere) {
        Map<String, GatewayRow> byKey = new LinkedHashMap<>();
        for (GatewayRow row : gateway) {
            byKey.putIfAbsent(row.merchantReference() + " " + row.operation(), row);
        }
        List<Match> matches = new ArrayList<>();
        for (Movement m : ledger) {
            if (!m.attemptKind().movesMoney()) {
                continue; // a token deactivation is in no settlement file
            }
            String operation = operationOf(m.kind());
            matches.add(classify(new LedgerSide(m.merchantReference(), operation, m.fortId(), m.amountMinor(), m.currency(), m.outcome(),
                    m.simulated()),
                    byKey.remove(m.merchantReference() + " " + operation)));
        }
        for (GatewayRow g : byKey.values()) {
            if (!elsewhere.contains(g.merchantReference() + " " + g.operation())) {
                matches.add(unmatched(g));
            }
        }
        return matches;
    }

    /** A ledger movement as matching sees it. */
    public record LedgerSide(String merchantReference, String operation, String fortId, long amountMinor, String currency,
                             String outcome, boolean simulated, String account) {

        /** A movement of the default account. */
        public LedgerSide(String merchantReference, String operation, String fortId, long amountMinor, String currency, String outcome,
                          boolean simulated) {
            this(merchantReference, operation, fortId, amountMinor, currency, outcome, simulated, dev.billing.gateway.GatewayAccounts.DEFAULT);
        }
    }

    /** A ledger movement and the gateway's row for the same reference and operation (null when the report has none). */
    public static Match classify(LedgerSide m, GatewayRow g) {
        String operation = m.operation();
        if (m.simulated()) {
            return new Match(MatchClass.SIMULATED, m.merchantReference(), operation, m.fortId(), m.amountMinor(),
                    g == null ? null : g.amountMinor(), m.currency(), m.outcome(), g == null ? "" : g.status(),
                    "sent to the built-in simulator: no money moved, never matched as real money", m.account());
        }
        if (g == null) {
            return new Match(MatchClass.MISSING_AT_GATEWAY, m.merchantReference(), operation, m.fortId(), m.amountMinor(), null,
                    m.currency(), m.outcome(), "", "the gateway's report has no " + operation + " for this reference", m.account());
        }
        MatchClass c;
        String detail;
        boolean ledgerSucceeded = m.outcome().equals("SUCCESS");
        if (!g.currency().equals(m.currency())) {
            c = MatchClass.CURRENCY_DIFFERS;
            detail = "ledger " + m.currency() + ", gateway " + g.currency();
        } else if (g.amountMinor() == null || g.amountMinor() != m.amountMinor()) {
            c = MatchClass.AMOUNT_DIFFERS;
            detail = "ledger " + m.amountMinor() + ", gateway " + (g.amountMinor() == null ? "'" + g.amountText() + "'" : g.amountMinor());
        } else if (ledgerSucceeded != g.succeeded()) {
            c = MatchClass.STATUS_DIFFERS;
            detail = "ledger " + m.outcome() + ", gateway status " + g.status();
        } else {
            c = MatchClass.MATCHED;
            detail = "";
        }
        return new Match(c, m.merchantReference(), operation, g.fortId(), m.amountMinor(), g.amountMinor(), m.currency(),
                m.outcome(), g.status(), detail, m.account());
    }

    /** A gateway row that no ledger movement of the date (nor of any other date) has. */
    public static Match unmatched(GatewayRow g) {
        return new Match(MatchClass.MISSING_IN_LEDGER, g.merchantReference(), g.operation(), g.fortId(), null, g.amountMinor(),
                g.currency(), "", g.status(), "the ledger has no " + g.operation() + " for this reference");
    }
}
