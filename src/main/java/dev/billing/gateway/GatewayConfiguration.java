package dev.billing.gateway;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/**
 * The gateway the jobs talk to: APS at {@code billing.gateway.url}, or, when that is not set, the {@link LocalGateway}
 * (the built-in simulator) with its own credentials where none are set. Lazy: a command that makes no gateway call
 * starts neither.
 */
@Configuration(proxyBeanMethods = false)
public class GatewayConfiguration {

    @Bean(destroyMethod = "close")
    @Lazy
    ApsClient apsClient(GatewayProperties gateway, ObjectProvider<LocalGateway> localGateway) {
        if (gateway.url() == null) {
            return new ApsClient(gateway.forSimulator(localGateway.getObject().url()));
        }
        gateway.requireComplete();
        return new ApsClient(gateway);
    }
}
