package dev.billing.gateway;

import java.net.URI;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Where the gateway's own transaction report comes from: APS's Reporting API at {@code billing.gateway.reporting-url}
 * (sandbox and live {@code .../FortAPI/reportingApi}), with the account's credentials; or, when the built-in simulator
 * is the gateway, the simulator's own. Neither: no report is fetched (an uploaded one still matches).
 */
@Component
public class GatewayReports {

    /**
     * {@code billing.gateway.reporting-url}, and {@code billing.gateway.report-max-rows}: the most transactions the gateway
     * puts in one report (APS: 200,000); a report that comes back with that many is asked for again in smaller windows.
     */
    @ConfigurationProperties("billing.gateway")
    public record Settings(URI reportingUrl, Integer reportMaxRows) {

        public Settings {
            reportMaxRows = reportMaxRows == null ? ApsReporting.MAX_ROWS : reportMaxRows;
            if (reportMaxRows < 2) {
                throw new IllegalArgumentException("billing.gateway.report-max-rows must be at least 2");
            }
        }
    }

    private final GatewayProperties gateway;
    private final Settings settings;
    private final ObjectProvider<LocalGateway> localGateway;
    private final GatewayAccounts accounts;
    private final ObjectProvider<LocalGateways> localGateways;

    public GatewayReports(GatewayProperties gateway, Settings settings, ObjectProvider<LocalGateway> localGateway, GatewayAccounts accounts,
                          ObjectProvider<LocalGateways> localGateways) {
        this.gateway = gateway;
        this.settings = settings;
        this.localGateway = localGateway;
        this.accounts = accounts;
        this.localGateways = localGateways;
    }

    /**
     * The Reporting API of each account that has one, in {@link GatewayAccounts#names} order: each account's report is
     * fetched with its own credentials and holds its own transactions only.
     */
    public java.util.List<ApsReporting> reportings() {
        java.util.List<ApsReporting> all = new java.util.ArrayList<>();
        reporting().ifPresent(all::add);
        for (String name : accounts.names()) {
            if (name.equals(GatewayAccounts.DEFAULT)) {
                continue;
            }
            GatewayAccounts.Account account = accounts.account(name);
            if (account.settings().url() != null) {
                if (account.reportingUrl() != null) {
                    all.add(new ApsReporting(account.settings(), account.reportingUrl()));
                }
            } else if (account.settings().simulator()) {
                GatewayProperties credentials = accounts.effective(name);
                LocalGateway local = localGateways.getObject().forAccount(name, credentials, accounts.pageCredentials(name), account.currencies());
                all.add(new ApsReporting(credentials.forSimulator(local.url()),
                        account.reportingUrl() == null ? local.reportingUrl() : account.reportingUrl()));
            }
        }
        return all;
    }

    /** The most transactions the gateway puts in one report. */
    public int maxRows() {
        return settings.reportMaxRows();
    }

    /** The Reporting API to fetch a report from, if there is one. */
    public Optional<ApsReporting> reporting() {
        if (gateway.url() != null) {
            return settings.reportingUrl() == null ? Optional.empty() : Optional.of(new ApsReporting(gateway, settings.reportingUrl()));
        }
        if (!gateway.simulator()) {
            return Optional.empty();
        }
        LocalGateway local = localGateway.getObject();
        return Optional.of(new ApsReporting(gateway.forSimulator(local.url()),
                settings.reportingUrl() == null ? local.reportingUrl() : settings.reportingUrl()));
    }
}
