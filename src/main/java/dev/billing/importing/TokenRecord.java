package dev.billing.importing;

import java.time.Instant;

/**
 * A token row that passed validation. {@code status} is NEW or VERIFIED; {@code agreementId} is null when the row
 * gives none (a stored agreement is then kept); {@code language} ({@code en} or {@code ar}, the customer's notices) is
 * null when the row gives none (the stored one is kept; a new token's is {@code en}); so is {@code account}, the APS
 * account whose merchant identifier created the token (a new token's is {@code default}; a token never changes account).
 */
public record TokenRecord(String tokenName, String customerId, String customerEmail, String cardMask,
                          String cardExpiry, Instant createdAt, String status, String agreementId, String language, String account) {
}
