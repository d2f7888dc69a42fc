package dev.billing.gateway;

import dev.billing.support.NodeName;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/**
 * The gateway the jobs talk to: APS at {@code billing.gateway.url}, or, when that is not set, the {@link LocalGateway}
 * (the built-in simulator) with its own credentials where none are set. Its budget ({@code max-concurrency},
 * {@code max-tps}) is the account's, shared through the database with every other process calling it
 * ({@link SharedBudget}). Lazy: a command that makes no gateway call starts neither.
 */
@Configuration(proxyBeanMethods = false)
public class GatewayConfiguration {

    @Bean(destroyMethod = "close")
    @Lazy
    ApsClient apsClient(GatewayProperties gateway, ObjectProvider<LocalGateway> localGateway, DataSource dataSource) {
        GatewayProperties settings;
        if (gateway.url() == null) {
            settings = gateway.forSimulator(localGateway.getObject().url());
        } else {
            gateway.requireComplete();
            settings = gateway;
        }
        return new ApsClient(settings, new SharedBudget(dataSource, settings.maxConcurrency(), settings.maxTps(), NodeName.current()));
    }
}
