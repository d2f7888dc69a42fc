package dev.billing.events;

import java.util.List;

/**
 * Something besides the webhooks that takes the outbox's events (the customer notices): called with each batch of new
 * events in the transaction that fans them out, so that it takes each event once, with the batch's fan-out or not at all.
 */
public interface OutboxConsumer {

    /** Takes what it wants of these outbox rows ({@code outbox.id}), in the caller's transaction. */
    void take(List<Long> outboxIds);
}
