package dev.billing.gateway;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Where the gateway's own transaction reports come from: each account's Reporting API at its {@code reporting-url}
 * (sandbox and live {@code .../FortAPI/reportingApi}), with its credentials; or, when the built-in simulator is its
 * gateway, the simulator's own. None: no report is fetched (an uploaded one still matches).
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

    private final Settings settings;
    private final GatewayAccounts accounts;
    private final ObjectProvider<LocalGateways> localGateways;

    public GatewayReports(Settings settings, GatewayAccounts accounts, ObjectProvider<LocalGateways> localGateways) {
        this.settings = settings;
        this.accounts = accounts;
        this.localGateways = localGateways;
    }

    /** The most transactions the gateway puts in one report. */
    public int maxRows() {
        return settings.reportMaxRows();
    }

    /**
     * The Reporting API of each account that has one, in {@link GatewayAccounts#names} order, each asked with that account's
     * credentials (its report holds its own transactions only): its {@code reporting-url} ({@code billing.gateway.reporting-url}
     * for the default account) when the account calls APS, or, when the built-in simulator is its gateway, the simulator's.
     */
    public List<ApsReporting> reportings() {
        List<ApsReporting> all = new ArrayList<>();
        for (String name : accounts.names()) {
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
}
