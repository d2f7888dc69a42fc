/**
 * Signed notifications from APS (Direct Transaction Feedback and Notification URLs), received by {@code serve} at
 * {@code POST /aps/notifications}: each stored once, then settling an open ledger row through the same write path as
 * a reply or a status check; a contradiction is an exception for a person, never a change to a settled row.
 */
package dev.billing.notifications;
