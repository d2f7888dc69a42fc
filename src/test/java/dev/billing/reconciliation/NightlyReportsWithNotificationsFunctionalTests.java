package dev.billing.reconciliation;

import dev.billing.EngineWithNotifications;
import dev.billing.NotificationsDrained;

/** {@link NightlyReportsFunctionalTests} again, with the simulator notifying each operation to the engine's endpoint. */
@EngineWithNotifications
class NightlyReportsWithNotificationsFunctionalTests extends NightlyReportsFunctionalTests implements NotificationsDrained {
}
