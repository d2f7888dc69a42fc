package dev.billing.charging;

import dev.billing.EngineWithNotifications;
import dev.billing.NotificationsDrained;

/** {@link ChargeWithFaultsFunctionalTests} again, with the simulator notifying each operation to the engine's endpoint. */
@EngineWithNotifications
class ChargeWithFaultsWithNotificationsFunctionalTests extends ChargeWithFaultsFunctionalTests implements NotificationsDrained {
}
