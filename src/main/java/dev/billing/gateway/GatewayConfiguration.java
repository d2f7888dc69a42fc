package dev.billing.gateway;

import dev.billing.support.EngineThreads;
import dev.billing.support.NodeName;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/**
 * The gateway the jobs talk to: APS at {@code billing.gateway.url}, or, when that is not set and
 * {@code billing.gateway.simulator=true} chose it, the {@link LocalGateway} (the built-in simulator) with its own
 * credentials where none are set; neither is refused ({@link GatewayProperties#requireChosen}). Its budget ({@code max-concurrency},
 * {@code max-tps}) is the account's, shared through the database with every other process calling it
 * ({@link SharedBudget}). Lazy: a command that makes no gateway call starts neither.
 */
@Configuration(proxyBeanMethods = false)
public class GatewayConfiguration {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(GatewayConfiguration.class);

    @Bean(destroyMethod = "close")
    @Lazy
    ApsClient apsClient(GatewayProperties gateway, ObjectProvider<LocalGateway> localGateway, DataSource dataSource, EngineThreads threads) {
        GatewayProperties settings;
        if (gateway.url() == null) {
            gateway.requireChosen();
            settings = gateway.forSimulator(localGateway.getObject().url());
        } else {
            gateway.requireComplete();
            if (gateway.simulator()) {
                log.warn("billing.gateway.simulator=true is ignored: billing.gateway.url is set, and every call goes to {}", gateway.target());
            }
            settings = gateway;
        }
        return new ApsClient(settings, new SharedBudget(dataSource, settings.maxConcurrency(), settings.maxTps(), NodeName.current(), threads));
    }
}
