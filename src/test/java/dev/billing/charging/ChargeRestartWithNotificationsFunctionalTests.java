package dev.billing.charging;

import dev.billing.EngineWithNotifications;
import dev.billing.NotificationsDrained;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * {@link ChargeRestartFunctionalTests} again with notifications on: the engine JVMs it starts, and this one, have their
 * simulator notify each operation to this JVM's endpoint.
 */
@EngineWithNotifications
class ChargeRestartWithNotificationsFunctionalTests extends ChargeRestartFunctionalTests implements NotificationsDrained {

    @LocalServerPort
    int port;

    @Override
    protected int orders() {
        return 2000;
    }

    @Override
    protected String[] childSettings() {
        return NotificationsDrained.notifying(port);
    }
}
