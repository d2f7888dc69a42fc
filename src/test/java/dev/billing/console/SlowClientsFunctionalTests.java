package dev.billing.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.billing.EngineProcess;
import dev.billing.EngineTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A real {@code serve} against clients that send slowly or stop: 500 connections that send their headers and part of a
 * body, some of them one byte every 4 seconds, take no thread the server needs (health and sign-in answer long before
 * a stalled connection is cut), and each is cut within a bounded time; a body that would be refused is refused before it is read.
 */
@EngineTest
@Tag("process")
class SlowClientsFunctionalTests {

    /** The engine's default body deadline (billing.web.body-timeout), and what connecting 500 sockets may add. */
    private static final Duration CUT_WITHIN = Duration.ofSeconds(10 + 10);
    /** Half the body deadline: what a probe may take on a loaded machine, and far less than waiting for a cut. */
    private static final Duration PROBE_WITHIN = Duration.ofSeconds(5);

    private static Process serve;
    private static int port;
    private static final Path LOG = EngineProcess.log("slow-clients.log");

    @Autowired
    ConsoleUsers users;

    @BeforeAll
    static void startServe() throws Exception {
        Path schedules = Files.createTempDirectory("slow-clients-schedules");
        // a schedule that does not fire while the test runs, and no night to catch up
        Files.writeString(schedules.resolve("later.yml"), """
                job: reconcile
                cron: "0 0 3 1 1 ? 2099"
                zone: UTC
                business-date: previous-day
                catch-up-days: 0
                """);
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        serve = EngineProcess.start(LOG, "serve", "--billing.schedules.dir=" + schedules, "--server.port=" + port);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                .until(() -> EngineProcess.output(LOG).contains("serving;") || !serve.isAlive());
        assertThat(serve.isAlive()).as(EngineProcess.output(LOG)).isTrue();
    }

    @AfterAll
    static void stopServe() throws Exception {
        serve.destroy();
        if (!serve.waitFor(60, TimeUnit.SECONDS)) {
            serve.destroyForcibly();
        }
    }

    /** One stalled connection: where it stands, and when the server cut it. */
    private static final class Stall {
        final SocketChannel channel;
        final boolean trickles;
        final long opened = System.nanoTime();
        long cutAfterMs = -1;
        String answer = "";

        Stall(SocketChannel channel, boolean trickles) {
            this.channel = channel;
            this.trickles = trickles;
        }
    }

    private static SocketChannel open(String head, String partOfBody) throws IOException {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        channel.write(ByteBuffer.wrap((head + partOfBody).getBytes(StandardCharsets.US_ASCII)));
        channel.configureBlocking(false);
        return channel;
    }

    @Test
    void fiveHundredStalledClientsTakeNoThreadTheServerNeedsAndEachIsCut() throws Exception {
        users.remove("gatekeeper");
        users.add("gatekeeper", Role.OPERATOR, "correct-horse-battery");
        List<Stall> stalls = new ArrayList<>();
        String login = "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n";
        String notification = "POST /aps/notifications HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2000\r\n\r\n";
        for (int i = 0; i < 500; i++) {
            if (i % 5 == 4) {
                stalls.add(new Stall(open(login, "u"), true));
            } else if (i % 5 == 3) {
                stalls.add(new Stall(open(notification, "{\"merchant_reference\":\"CH-1"), false));
            } else {
                stalls.add(new Stall(open(login, "username=a&pass"), false));
            }
        }

        List<Long> probesMs = new ArrayList<>();
        try (Selector selector = Selector.open()) {
            for (Stall stall : stalls) {
                stall.channel.register(selector, SelectionKey.OP_READ, stall);
            }
            long started = System.nanoTime();
            long lastTrickle = started;
            long lastProbe = 0;
            int open = stalls.size();
            while (open > 0 && System.nanoTime() - started < CUT_WITHIN.toNanos() + Duration.ofSeconds(5).toNanos()) {
                selector.select(200);
                for (SelectionKey key : selector.selectedKeys()) {
                    Stall stall = (Stall) key.attachment();
                    ByteBuffer buffer = ByteBuffer.allocate(512);
                    int read;
                    try {
                        read = stall.channel.read(buffer);
                    } catch (IOException reset) {
                        read = -1;
                    }
                    if (read > 0 && stall.answer.isEmpty()) {
                        stall.answer = new String(buffer.array(), 0, Math.min(read, 12), StandardCharsets.US_ASCII);
                    }
                    if (read < 0) {
                        stall.cutAfterMs = (System.nanoTime() - stall.opened) / 1_000_000;
                        key.cancel();
                        stall.channel.close();
                        open--;
                    }
                }
                selector.selectedKeys().clear();
                if (System.nanoTime() - lastTrickle > Duration.ofSeconds(4).toNanos()) {
                    lastTrickle = System.nanoTime();
                    for (Stall stall : stalls) {
                        if (stall.trickles && stall.cutAfterMs < 0) {
                            try {
                                stall.channel.write(ByteBuffer.wrap(new byte[] {'x'}));
                            } catch (IOException closed) {
                                // cut already; the selector sees it
                            }
                        }
                    }
                }
                if (System.nanoTime() - started < Duration.ofSeconds(8).toNanos() && System.nanoTime() - lastProbe > 1_000_000_000L) {
                    lastProbe = System.nanoTime();
                    probesMs.add(timed(() -> assertThat(get("/actuator/health").statusCode()).isEqualTo(200)));
                    probesMs.add(timed(() -> assertThat(get("/login").statusCode()).isEqualTo(200)));
                    probesMs.add(timed(this::signIn));
                }
            }
        }

        System.out.printf("500 stalled connections: %d probes, slowest %d ms; cut after %d to %d ms%n", probesMs.size(),
                probesMs.stream().mapToLong(Long::longValue).max().orElse(-1), stalls.stream().mapToLong(s -> s.cutAfterMs).min().orElse(-1),
                stalls.stream().mapToLong(s -> s.cutAfterMs).max().orElse(-1));
        // a probe that needed a thread a stalled connection holds would wait until that connection is cut (the body
        // deadline, 10 s): each answers well before, however loaded the machine
        assertThat(probesMs).as("health, the sign-in page and a whole sign-in while 500 connections stall").hasSizeGreaterThanOrEqualTo(9)
                .allSatisfy(ms -> assertThat(ms).isLessThan(PROBE_WITHIN.toMillis()));
        assertThat(stalls).as("every stalled connection cut").allSatisfy(s -> assertThat(s.cutAfterMs).isBetween(0L, CUT_WITHIN.toMillis()));
        assertThat(stalls).filteredOn(s -> s.trickles).as("one byte every 4 s does not keep a connection").allSatisfy(s ->
                assertThat(s.answer).startsWith("HTTP/1.1 408"));
    }

    @Test
    void aBodyThatWouldBeRefusedIsRefusedBeforeItIsRead() throws Exception {
        String upload = String.join("\r\n", "POST /console/reports/2026-11-27/settlement HTTP/1.1", "Host: x",
                "Content-Type: multipart/form-data; boundary=xyz", "Content-Length: 104857600", "", "");
        String bigSignIn = String.join("\r\n", "POST /login HTTP/1.1", "Host: x", "Content-Type: application/x-www-form-urlencoded",
                "Content-Length: 100000", "", "");

        long started = System.nanoTime();
        assertThat(answerWithoutTheBody(upload)).startsWith("HTTP/1.1 403").contains("sign in first");
        assertThat(answerWithoutTheBody(bigSignIn)).startsWith("HTTP/1.1 413");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("answered and closed without waiting for the bodies")
                .isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aBodyThatArrivesSlowlyButInTimeIsServedAsAnyOther() throws Exception {
        users.remove("slow-typist");
        users.add("slow-typist", Role.VIEWER, "correct-horse-battery");
        HttpResponse<String> page = get("/login");
        String setCookie = page.headers().firstValue("Set-Cookie").orElseThrow();
        Matcher token = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page.body());
        assertThat(token.find()).isTrue();
        String form = "username=slow-typist&password=correct-horse-battery&_csrf="
                + java.net.URLEncoder.encode(token.group(1), StandardCharsets.UTF_8);

        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(String.join("\r\n", "POST /login HTTP/1.1", "Host: x", "Connection: close",
                    "Cookie: " + setCookie.substring(0, setCookie.indexOf(';')), "Content-Type: application/x-www-form-urlencoded",
                    "Content-Length: " + form.length(), "", form.substring(0, 9)).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(2000); // past the moment the request was dispatched: its body is waited for without a thread
            out.write(form.substring(9).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);

            assertThat(answer).startsWith("HTTP/1.1 302").containsPattern("Location: [^\r]*/console\r");
        }
    }

    /**
     * Sends only the headers of a request and reads the answer to its end: the server must answer, and close the
     * connection, without waiting for (or draining) the body.
     */
    private static String answerWithoutTheBody(String head) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(3000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(PROBE_WITHIN).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Signs in as a browser does: the page (its session and CSRF token), then the form. */
    private void signIn() throws Exception {
        HttpResponse<String> page = get("/login");
        String setCookie = page.headers().firstValue("Set-Cookie").orElseThrow();
        String cookie = setCookie.substring(0, setCookie.indexOf(';') < 0 ? setCookie.length() : setCookie.indexOf(';'));
        Matcher token = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page.body());
        assertThat(token.find()).isTrue();
        Map<String, String> form = new HashMap<>();
        form.put("username", "gatekeeper");
        form.put("password", "correct-horse-battery");
        form.put("_csrf", token.group(1));
        String body = String.join("&", form.entrySet().stream().map(e -> e.getKey() + "="
                + java.net.URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).toList());
        HttpResponse<String> signedIn = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login"))
                .timeout(PROBE_WITHIN).header("Cookie", cookie).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(signedIn.statusCode()).isEqualTo(302);
        assertThat(signedIn.headers().firstValue("Location")).get().asString().endsWith("/console");
    }

    @FunctionalInterface
    private interface Probe {
        void run() throws Exception;
    }

    private static long timed(Probe probe) throws Exception {
        long started = System.nanoTime();
        probe.run();
        return (System.nanoTime() - started) / 1_000_000;
    }
}
