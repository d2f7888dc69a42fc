package dev.billing.verification;

import dev.billing.EngineWithNotifications;
import dev.billing.NotificationsDrained;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * {@link VerifyRestartFunctionalTests} again with notifications on: the engine JVMs it starts, and this one, have their
 * simulator notify each operation to this JVM's endpoint.
 */
@EngineWithNotifications
class VerifyRestartWithNotificationsFunctionalTests extends VerifyRestartFunctionalTests implements NotificationsDrained {

    @LocalServerPort
    int port;

    @Override
    protected int tokens() {
        return 1000;
    }

    @Override
    protected String[] childSettings() {
        return NotificationsDrained.notifying(port);
    }
}
