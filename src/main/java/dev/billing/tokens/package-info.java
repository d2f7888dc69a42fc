/**
 * A stored token's life at the gateway after the engine is done with it: a token a hard decline made INVALID, or one
 * the merchant marked DELETED, is set INACTIVE at APS ({@code UPDATE_TOKEN}) once, through the payment ledger.
 */
package dev.billing.tokens;
