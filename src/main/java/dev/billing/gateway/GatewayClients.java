package dev.billing.gateway;

import dev.billing.support.EngineThreads;
import dev.billing.support.NodeName;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;

/**
 * One {@link ApsClient} per account, made when first needed: each with the account's credentials, endpoint and budget
 * ({@code max-concurrency}, {@code max-tps}, shared through the database with every process calling that account), so
 * that one account's slow night never takes another's call slots. Closes them all.
 */
public final class GatewayClients implements AutoCloseable {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(GatewayClients.class);

    private final GatewayAccounts accounts;
    private final ObjectProvider<LocalGateways> localGateways;
    private final DataSource dataSource;
    private final EngineThreads threads;
    private final Map<String, ApsClient> clients = new ConcurrentHashMap<>();

    public GatewayClients(GatewayAccounts accounts, ObjectProvider<LocalGateways> localGateways, DataSource dataSource,
                          EngineThreads threads) {
        this.accounts = accounts;
        this.localGateways = localGateways;
        this.dataSource = dataSource;
        this.threads = threads;
    }

    /** The client of account {@code name}; refused when no such account is configured. */
    public ApsClient client(String name) {
        ApsClient existing = clients.get(name);
        return existing != null ? existing : clients.computeIfAbsent(name, this::create);
    }

    private ApsClient create(String name) {
        GatewayAccounts.Account account = accounts.account(name);
        GatewayProperties gateway = account.settings();
        GatewayProperties settings;
        if (gateway.url() == null) {
            gateway.requireChosen();
            GatewayProperties credentials = accounts.effective(name);
            LocalGateway local = localGateways.getObject().forAccount(name, credentials, accounts.pageCredentials(name), account.currencies());
            settings = credentials.forSimulator(local.url());
        } else {
            gateway.requireComplete();
            if (gateway.simulator()) {
                log.warn("billing.gateway.simulator=true is ignored for account {}: its url is set, and every call goes to {}", name,
                        gateway.target());
            }
            settings = gateway;
        }
        return new ApsClient(name, settings, new SharedBudget(name, dataSource, settings.maxConcurrency(), settings.maxTps(),
                NodeName.current(), threads), this::client);
    }

    @Override
    public void close() {
        clients.values().forEach(ApsClient::close);
        clients.clear();
    }
}
