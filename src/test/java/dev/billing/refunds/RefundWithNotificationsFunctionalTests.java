package dev.billing.refunds;

import dev.billing.EngineWithNotifications;
import dev.billing.NotificationsDrained;

/**
 * {@link RefundFunctionalTests} again, with the simulator notifying each operation (refunds too, duplicated, late, out of
 * order, some lost or badly signed) to the engine's endpoint: a notification of a refund settles it as its reply would,
 * once, and a refund whose process died may be settled by its notification before anyone asks the gateway.
 */
@EngineWithNotifications
class RefundWithNotificationsFunctionalTests extends RefundFunctionalTests implements NotificationsDrained {
}
