package dev.billing;

import static org.awaitility.Awaitility.await;

import dev.billing.simulator.ApsSimulator;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.springframework.beans.factory.annotation.Autowired;

/** After each test, waits until the simulator has delivered (or given up on) every notification of it. */
public interface NotificationsDrained {

    @AfterEach
    default void notificationsDrained(@Autowired ApsSimulator simulator) {
        await().atMost(Duration.ofSeconds(30)).until(() -> simulator.notificationsPending() == 0);
    }
}
