package dev.billing.verification;

import dev.billing.EngineWithNotifications;
import dev.billing.NotificationsDrained;

/** {@link VerifyWithFaultsFunctionalTests} again, with the simulator notifying each operation to the engine's endpoint. */
@EngineWithNotifications
class VerifyWithFaultsWithNotificationsFunctionalTests extends VerifyWithFaultsFunctionalTests implements NotificationsDrained {
}
