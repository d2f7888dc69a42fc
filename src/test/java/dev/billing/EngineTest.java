package dev.billing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;

/**
 * A test of the whole engine against the embedded PostgreSQL (tagged {@code database}: it runs in {@code mvn verify},
 * not in the fast {@code mvn test}; such classes are named {@code *FunctionalTests}) (one server per test JVM, shared by every
 * context). Tests start from {@link TestDatabase#reset} rather than assuming an empty database.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("database")
@SpringBootTest(classes = BillingEngineApplication.class)
@ActiveProfiles("test")
public @interface EngineTest {
}
