package dev.billing.importing;

import dev.billing.ledger.OrderStatus;
import dev.billing.money.CurrencyUnit;
import dev.billing.money.InvalidAmountException;
import dev.billing.money.Money;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.springframework.batch.infrastructure.item.ItemProcessor;

/** Checks one line of {@code orders.csv}. Pure: whether the token exists is checked by the writer. */
public class OrderRowValidator implements ItemProcessor<CsvLine, ImportRow<OrderRecord>> {

    /** The order id becomes part of the gateway's merchant_reference, which APS limits to 40 characters. */
    private static final Set<String> STATUSES = OrderStatus.IMPORTED.stream().map(Enum::name).collect(java.util.stream.Collectors.toSet());

    @Override
    public ImportRow<OrderRecord> process(CsvLine line) {
        if (line.parseError() != null) {
            return ImportRow.rejected(line, line.parseError());
        }
        String reason = FieldRules.first(FieldRules.lineChecks(line, ImportFileKind.ORDERS.columns()),
                FieldRules.columnCount(line, 7, 7));
        if (reason != null) {
            return ImportRow.rejected(line, reason);
        }
        String[] f = line.fields();
        String orderId = f[0].trim();
        String customerId = f[1].trim();
        String tokenName = f[2].trim();
        String amountText = f[3].trim();
        String currencyCode = f[4].trim().toUpperCase(Locale.ROOT);
        String status = f[5].trim().toUpperCase(Locale.ROOT);
        String chargeOnText = f[6].trim();

        reason = FieldRules.first(orderId(orderId), FieldRules.customerId(customerId), FieldRules.tokenName(tokenName));
        if (reason != null) {
            return ImportRow.rejected(line, reason);
        }
        Optional<CurrencyUnit> currency = CurrencyUnit.of(currencyCode);
        if (currency.isEmpty()) {
            return ImportRow.rejected(line, currencyCode.isEmpty() ? "currency is empty"
                    : "currency '" + f[4].trim() + "' is not an ISO 4217 currency code");
        }
        Money amount;
        try {
            amount = Money.parse(amountText, currency.get());
        } catch (InvalidAmountException e) {
            return ImportRow.rejected(line, e.getMessage());
        }
        if (!amount.isPositive()) {
            return ImportRow.rejected(line, "amount " + amountText + " must be greater than zero");
        }
        if (amount.minorUnits() > FieldRules.MAX_AMOUNT_MINOR) {
            return ImportRow.rejected(line, "amount " + amountText + " " + currency.get().code() + " is more than APS accepts (at most "
                    + Money.ofMinor(FieldRules.MAX_AMOUNT_MINOR, currency.get()).toPlainString() + ": 10 digits in minor units)");
        }
        if (!STATUSES.contains(status)) {
            return ImportRow.rejected(line, "status '" + f[5].trim() + "' must be SHIPPED, DEFERRED, PENDING or CANCELLED");
        }
        LocalDate chargeOn = null;
        if (!chargeOnText.isEmpty()) {
            try {
                chargeOn = LocalDate.parse(chargeOnText);
            } catch (DateTimeParseException e) {
                return ImportRow.rejected(line, "charge_on '" + chargeOnText + "' is not a date like 2026-01-31");
            }
            reason = FieldRules.dateRange("charge_on", chargeOn);
            if (reason != null) {
                return ImportRow.rejected(line, reason);
            }
        } else if (status.equals(OrderStatus.DEFERRED.name())) {
            return ImportRow.rejected(line, "status DEFERRED needs a charge_on date");
        }
        return ImportRow.accepted(line, new OrderRecord(orderId, customerId, tokenName, amount, status, chargeOn));
    }

    /** {@code [A-Za-z0-9._-]{1,30}}, checked without a regular expression (it runs for every row). */
    static boolean isOrderId(String value) {
        return FieldRules.isIdentifier(value, 30, false);
    }

    private static String orderId(String value) {
        if (value.isEmpty()) {
            return "order_id is empty";
        }
        if (!isOrderId(value)) {
            return "order_id '" + value + "' must be 1 to 30 letters, digits, '.', '-' or '_' (it becomes part of the gateway's merchant_reference)";
        }
        return FieldRules.formula("order_id", value);
    }
}
