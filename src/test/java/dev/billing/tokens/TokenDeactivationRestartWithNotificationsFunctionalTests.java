package dev.billing.tokens;

import dev.billing.EngineWithNotifications;
import dev.billing.NotificationsDrained;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * {@link TokenDeactivationRestartFunctionalTests} again with notifications on: the engine JVMs it starts, and this one, have their
 * simulator notify each operation to this JVM's endpoint.
 */
@EngineWithNotifications
class TokenDeactivationRestartWithNotificationsFunctionalTests extends TokenDeactivationRestartFunctionalTests implements NotificationsDrained {

    @LocalServerPort
    int port;

    @Override
    protected String[] childSettings() {
        return NotificationsDrained.notifying(port);
    }
}
