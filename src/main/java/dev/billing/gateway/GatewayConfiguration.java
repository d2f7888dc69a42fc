package dev.billing.gateway;

import dev.billing.support.EngineThreads;
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

    @Bean(destroyMethod = "close")
    @Lazy
    GatewayClients gatewayClients(GatewayAccounts accounts, ObjectProvider<LocalGateways> localGateways, DataSource dataSource,
                                  EngineThreads threads) {
        return new GatewayClients(accounts, localGateways, dataSource, threads);
    }

    /** The default account's client; {@link ApsClient#forAccount} gives the others'. Closed with {@link GatewayClients}. */
    @Bean(destroyMethod = "")
    @Lazy
    ApsClient apsClient(GatewayClients clients) {
        return clients.client(GatewayAccounts.DEFAULT);
    }
}
