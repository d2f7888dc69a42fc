package dev.billing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/**
 * A test of the whole engine against the embedded PostgreSQL (one server per test JVM, shared by every
 * context). Tests start from {@link TestDatabase#reset} rather than assuming an empty database.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(classes = BillingEngineApplication.class)
@ActiveProfiles("test")
public @interface EngineTest {
}
