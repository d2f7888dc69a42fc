package dev.billing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/**
 * Like {@link EngineTest}, with the engine's web side up on a free port (as {@code serve} runs it) and the in-process
 * simulator posting a signed notification of each operation to it ({@code billing.simulator.notification-url=self}).
 * The notifications meet faults of their own. A subclass of an {@code @EngineTest} class runs that class's tests again
 * this way (with {@link NotificationsDrained}, so that no notification of one test lands in the next).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("database")
@SpringBootTest(classes = BillingEngineApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "spring.main.web-application-type=servlet",
    "billing.simulator.notification-url=self",
    "billing.simulator.notification-retries=3",
    "billing.simulator.notification-retry-delay=100ms",
    // the notifications' own faults: duplicated, late, out of order, lost, badly signed (so refused)
    "billing.simulator.notification-duplicate-rate=0.3",
    "billing.simulator.notification-max-delay=30ms",
    "billing.simulator.notification-out-of-order-rate=0.5",
    "billing.simulator.notification-lost-rate=0.05",
    "billing.simulator.notification-bad-signature-rate=0.05"
})
@ActiveProfiles("test")
public @interface EngineWithNotifications {
}
