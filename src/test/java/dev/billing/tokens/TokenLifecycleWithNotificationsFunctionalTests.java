package dev.billing.tokens;

import dev.billing.EngineWithNotifications;
import dev.billing.NotificationsDrained;

/** {@link TokenLifecycleFunctionalTests} again, with the simulator notifying each operation to the engine's endpoint. */
@EngineWithNotifications
class TokenLifecycleWithNotificationsFunctionalTests extends TokenLifecycleFunctionalTests implements NotificationsDrained {
}
