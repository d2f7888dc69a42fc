package dev.billing.events;

import dev.billing.support.SecretFiles;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code billing.events.*}: the merchant's webhook endpoints and how their deliveries are tried.
 *
 * @param endpoints    {@code endpoints[N].url}, {@code .types} (comma separated wire names, {@code *} for all),
 *                     {@code .secret} or {@code .secret-file}, and an optional {@code .name} (default {@code endpoint-N})
 * @param timeout      how long one delivery may take, connecting and answering (default 10 s)
 * @param retryWaits   the waits between attempts, the last repeated (default 10s,1m,5m,30m,2h,6h)
 * @param giveUpAfter  a delivery not made this long after its event is given up, for a person (default 3 days)
 * @param perEndpoint  deliveries in flight at once to one endpoint (default 8): a slow one never holds another's
 * @param batch        deliveries one endpoint's round takes (locked) and records in one transaction (default 100)
 * @param retention    how long an event stays in the outbox once every endpoint has it (default 30 days); {@code 0} keeps
 *                     every event. An event a delivery or a notice still needs is kept whatever its age.
 */
@ConfigurationProperties("billing.events")
public record EventsProperties(List<Endpoint> endpoints, Duration timeout, List<Duration> retryWaits, Duration giveUpAfter,
                               Integer perEndpoint, Integer batch, Duration retention) {

    /** One webhook endpoint. */
    public record Endpoint(String name, URI url, String types, String secret, Path secretFile) {

        /** The secret, from {@code secret} or read from {@code secret-file} (its content, stripped). */
        public String resolvedSecret() {
            if (secret != null && !secret.isBlank()) {
                return secret.strip();
            }
            if (secretFile == null) {
                throw new IllegalArgumentException("billing.events endpoint " + name + " has no secret: set .secret or .secret-file");
            }
            return SecretFiles.read("billing.events endpoint " + name + " secret-file", secretFile);
        }

        /** Its secret is never logged: left out here, as {@code GatewayProperties} leaves out the phrases. */
        @Override
        public String toString() {
            return "Endpoint[name=" + name + ", url=" + url + ", types=" + types + ", secret=" + (secret == null ? "unset" : "(set)")
                    + ", secretFile=" + secretFile + "]";
        }

        /** Whether it takes events of {@code type}. */
        public boolean takes(EventType type) {
            return typeSet().contains(type);
        }

        Set<EventType> typeSet() {
            if (types == null || types.isBlank() || types.strip().equals("*")) {
                return Set.of(EventType.values());
            }
            return java.util.Arrays.stream(types.split(",", -1)).filter(t -> !t.isBlank()).map(EventType::of).collect(Collectors.toSet());
        }
    }

    public EventsProperties {
        endpoints = endpoints == null ? List.of() : endpoints;
        timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
        retryWaits = retryWaits == null || retryWaits.isEmpty() ? List.of(Duration.ofSeconds(10), Duration.ofMinutes(1),
                Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(6)) : List.copyOf(retryWaits);
        giveUpAfter = giveUpAfter == null ? Duration.ofDays(3) : giveUpAfter;
        perEndpoint = perEndpoint == null ? 8 : perEndpoint;
        batch = batch == null ? 100 : batch;
        retention = retention == null ? Duration.ofDays(30) : retention;
        if (retention.isNegative()) {
            throw new IllegalArgumentException("billing.events.retention must not be negative (0 keeps every event)");
        }
        if (perEndpoint < 1 || batch < 1) {
            throw new IllegalArgumentException("billing.events.per-endpoint and billing.events.batch must be at least 1");
        }
        java.util.List<Endpoint> named = new java.util.ArrayList<>();
        for (int i = 0; i < endpoints.size(); i++) {
            Endpoint e = endpoints.get(i);
            if (e.url() == null || !("https".equals(e.url().getScheme()) || "http".equals(e.url().getScheme()))) {
                throw new IllegalArgumentException("billing.events.endpoints[" + i + "].url must be an http(s) URL");
            }
            String name = e.name() == null || e.name().isBlank() ? "endpoint-" + i : e.name().strip();
            if (name.length() > 64) {
                throw new IllegalArgumentException("billing.events.endpoints[" + i + "].name is longer than 64 characters");
            }
            Endpoint resolved = new Endpoint(name, e.url(), e.types(), e.secret(), e.secretFile());
            resolved.typeSet(); // an unknown type is refused at start, not at the first event
            named.add(resolved);
        }
        endpoints = List.copyOf(named);
    }

    /** The wait before attempt {@code attempts + 1}, after {@code attempts} failed ones. */
    public Duration waitAfter(int attempts) {
        return retryWaits.get(Math.min(Math.max(attempts, 1), retryWaits.size()) - 1);
    }
}
