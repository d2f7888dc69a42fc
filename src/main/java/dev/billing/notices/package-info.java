/**
 * Card-update notices to customers (dunning): taken from the outbox's events, sent by e-mail (SMTP, or {@code .eml}
 * files when no mail host is set) with a signed card-update link and a signed unsubscribe link.
 */
package dev.billing.notices;
