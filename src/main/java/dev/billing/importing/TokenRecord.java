package dev.billing.importing;

import java.time.Instant;

/**
 * A token row that passed validation. {@code status} is NEW or VERIFIED; {@code agreementId} is null when the row
 * gives none (a stored agreement is then kept).
 */
public record TokenRecord(String tokenName, String customerId, String customerEmail, String cardMask,
                          String cardExpiry, Instant createdAt, String status, String agreementId) {
}
