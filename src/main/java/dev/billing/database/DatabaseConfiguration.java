package dev.billing.database;

import com.zaxxer.hikari.HikariDataSource;
import dev.billing.support.EngineProperties;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * With no {@code spring.datasource.url}, the engine runs on an embedded PostgreSQL kept in {@code billing.data-dir}.
 * With one, Spring Boot's own DataSource configuration connects to that server and nothing is started here.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(DatabaseConfiguration.NoDataSourceUrl.class)
public class DatabaseConfiguration {

    private static final Logger log = LoggerFactory.getLogger(DatabaseConfiguration.class);

    @Bean
    EmbeddedPostgresServer embeddedPostgresServer(EngineProperties engine, DatabaseProperties database) {
        Path dataDir = engine.dataDir();
        EmbeddedPostgresServer server = EmbeddedPostgresServer.startOrJoin(dataDir, database.startupWait(), database.serverSettings());
        log.info("Embedded PostgreSQL on port {} with its files in {}", server.port(), dataDir.toAbsolutePath().normalize());
        return server;
    }

    @Bean(destroyMethod = "close")
    DataSource dataSource(EmbeddedPostgresServer server,
                          DatabaseProperties database) {
        int poolSize = database.poolSize();
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(server.jdbcUrl());
        dataSource.setUsername(server.username());
        dataSource.setPassword(server.password());
        dataSource.setMaximumPoolSize(poolSize);
        dataSource.setMinimumIdle(Math.min(2, poolSize)); // several engine processes share one server's connections
        dataSource.setPoolName("billing");
        return dataSource;
    }

    static class NoDataSourceUrl implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            String url = context.getEnvironment().getProperty("spring.datasource.url");
            return url == null || url.isBlank();
        }
    }
}
