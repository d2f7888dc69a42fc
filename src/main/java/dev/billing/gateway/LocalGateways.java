package dev.billing.gateway;

import java.util.Set;

/**
 * The built-in simulator serving every account, each on an endpoint of its own with its own credentials
 * ({@link GatewayAccounts#effective}), so that a request sent to the wrong account is refused as APS would. The gateway
 * package knows the simulator only by this (and {@link LocalGateway}).
 */
public interface LocalGateways {

    /**
     * The simulated gateway of account {@code account}, started when first asked for: it answers its server-to-server
     * calls as {@code credentials}, its hosted page as {@code page} (the account's tokenizing identifier), and charges only
     * {@code currencies} (empty: any).
     */
    LocalGateway forAccount(String account, GatewayProperties credentials, GatewayProperties page, Set<String> currencies);
}
