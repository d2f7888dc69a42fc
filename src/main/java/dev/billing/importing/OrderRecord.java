package dev.billing.importing;

import dev.billing.money.Money;
import java.time.LocalDate;

/** An order row that passed validation; whether its token exists is checked against the database. */
public record OrderRecord(String orderId, String customerId, String tokenName, Money amount, String status,
                          LocalDate chargeOn) {
}
