package dev.billing;

import static org.awaitility.Awaitility.await;

import dev.billing.simulator.ApsSimulator;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.springframework.beans.factory.annotation.Autowired;

/** After each test, waits until the simulator has delivered (or given up on) every notification of it. */
public interface NotificationsDrained {

    /** The setting that has an engine JVM started by a test notify that test's JVM, listening on {@code port}. */
    static String[] notifying(int port) {
        return new String[] {"--billing.simulator.notification-url=http://127.0.0.1:" + port + "/aps/notifications"};
    }

    @AfterEach
    default void notificationsDrained(@Autowired ApsSimulator simulator) {
        await().atMost(Duration.ofSeconds(30)).until(() -> simulator.notificationsPending() == 0);
    }
}
