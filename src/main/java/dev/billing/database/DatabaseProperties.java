package dev.billing.database;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code billing.database.*}: the embedded PostgreSQL's connection pool and how long to wait for it to start.
 *
 * @param poolSize    connections of this process's pool
 * @param startupWait how long to wait for the server to accept connections
 */
@ConfigurationProperties("billing.database")
public record DatabaseProperties(@DefaultValue("20") int poolSize, @DefaultValue("60s") Duration startupWait) {

    public DatabaseProperties {
        if (poolSize < 1) {
            throw new IllegalArgumentException("billing.database.pool-size must be at least 1, not " + poolSize);
        }
    }
}
