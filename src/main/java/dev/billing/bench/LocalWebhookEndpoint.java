package dev.billing.bench;

import com.sun.net.httpserver.HttpServer;
import dev.billing.events.WebhookSignature;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/** A merchant's webhook endpoint in this process, for the benchmarks: checks each signature, keeps the ids, answers 204 at once. */
final class LocalWebhookEndpoint implements AutoCloseable {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private final HttpServer server;
    private final ExecutorService serving;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final AtomicLong posts = new AtomicLong();
    private final AtomicLong bad = new AtomicLong();

    LocalWebhookEndpoint(int threads) throws IOException {
        WebhookSignature check = new WebhookSignature(SECRET);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        serving = Executors.newFixedThreadPool(Math.max(4, threads));
        server.setExecutor(serving);
        server.createContext("/hooks", exchange -> {
            try (exchange) {
                String id = exchange.getRequestHeaders().getFirst("webhook-id");
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                if (!check.verifies(id, Long.parseLong(exchange.getRequestHeaders().getFirst("webhook-timestamp")), body,
                        exchange.getRequestHeaders().getFirst("webhook-signature"))) {
                    bad.incrementAndGet();
                }
                posts.incrementAndGet();
                seen.add(id);
                exchange.sendResponseHeaders(204, -1);
            }
        });
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks");
    }

    long posts() {
        return posts.get();
    }

    int distinct() {
        return seen.size();
    }

    long badlySigned() {
        return bad.get();
    }

    @Override
    public void close() {
        server.stop(0);
        serving.shutdownNow();
    }
}
