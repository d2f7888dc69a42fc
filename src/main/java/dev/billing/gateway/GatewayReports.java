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

    public GatewayReports(GatewayProperties gateway, Settings settings, ObjectProvider<LocalGateway> localGateway) {
        this.gateway = gateway;
        this.settings = settings;
        this.localGateway = localGateway;
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
