/**
 * Card enrolment as a distinct step, the PCI-light way: a signed link from the merchant's site, a page that posts APS's
 * hosted {@code TOKENIZATION} form (the customer's browser sends the card to the gateway, never to the engine), and the
 * browser's return, whose signature and one-time merchant reference decide whether a token is stored.
 */
package dev.billing.enrolment;
