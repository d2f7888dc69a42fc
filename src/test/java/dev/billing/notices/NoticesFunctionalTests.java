package dev.billing.notices;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.billing.EngineTest;
import dev.billing.Fixtures;
import dev.billing.enrolment.EnrolLinks;
import dev.billing.enrolment.EnrolmentProperties;
import dev.billing.events.EventDispatcher;
import dev.billing.events.EventType;
import dev.billing.events.Outbox;
import dev.billing.reconciliation.ExceptionsReport;
import dev.billing.support.EngineProperties;
import dev.billing.support.EngineThreads;
import dev.billing.tokens.ExpiringCards;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Customer notices against the embedded PostgreSQL and a real SMTP server (GreenMail) started by the test: events give
 * notices, sent in the customer's language as HTML with a plain-text part, with a signed card-update link and a signed
 * unsubscribe link, and no card number; at most one per customer per min-interval; never to one who opted out; an
 * address the server refuses is REFUSED once (no retry loop); a server that cannot be reached is tried again later;
 * with no mail host the message is an .eml file a mail program opens.
 */
@EngineTest
class NoticesFunctionalTests {

    private static final String SECRET = "notices-test-secret-0123";
    private static final Pattern LINK = Pattern.compile("https?://[^\\s\"<>]+/enrol\\?[^\\s\"<>]+");

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    PlatformTransactionManager transactionManager;
    @Autowired
    Outbox outbox;
    @Autowired
    EventDispatcher events;
    @Autowired
    EngineThreads threads;
    @Autowired
    EngineProperties engine;
    @Autowired
    Environment environment;
    @Autowired
    ExpiringCards expiring;
    @Autowired
    ExceptionsReport exceptions;

    @BeforeEach
    void setUp() throws IOException {
        new Fixtures(jdbc).reset();
        token("T-EN", "CUST-EN", "en.customer@example.com", "en");
        token("T-AR", "CUST-AR", "ar.customer@example.com", "ar");
        jdbc.update("INSERT INTO orders (order_id, customer_id, token_name, amount_minor, currency, status) VALUES"
                + " ('O-EN', 'CUST-EN', 'T-EN', 12550, 'AED', 'SHIPPED'), ('O-AR', 'CUST-AR', 'T-AR', 12345, 'KWD', 'SHIPPED')");
        deleteMailDir();
    }

    private void token(String name, String customer, String email, String language) {
        jdbc.update("""
                INSERT INTO tokens (token_name, customer_id, customer_email, card_mask, card_expiry, created_at, status, agreement_id, language)
                VALUES (?, ?, ?, '400555******0001', '05/29', now(), 'VERIFIED', 'AGR-' || ?, ?)""", name, customer, email, name, language);
    }

    private void deleteMailDir() throws IOException {
        Path dir = engine.dataDir().resolve("mail");
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
        }
    }

    private NoticeSender sender(JavaMailSender mail, Duration minInterval) {
        StaticListableBeanFactory beans = new StaticListableBeanFactory();
        if (mail != null) {
            beans.addBean("mail", mail);
        }
        NoticesProperties settings = new NoticesProperties(true, minInterval, "billing@shop.example", "Shop Example", null,
                URI.create("https://pay.shop.example"), null, Duration.ofDays(7), List.of(Duration.ofMinutes(5)), null);
        return new NoticeSender(jdbc, transactionManager, settings, new EnrolmentProperties(SECRET, null, null),
                beans.getBeanProvider(JavaMailSender.class), engine, threads, environment);
    }

    private static JavaMailSenderImpl smtp(int port) {
        JavaMailSenderImpl mail = new JavaMailSenderImpl();
        mail.setHost("127.0.0.1");
        mail.setPort(port);
        mail.getJavaMailProperties().put("mail.smtp.connectiontimeout", "5000");
        mail.getJavaMailProperties().put("mail.smtp.timeout", "5000");
        return mail;
    }

    /** Writes events as the ledger does (in a transaction of their own here), then fans them out as the dispatcher does. */
    private void happen(Outbox.Event... happened) {
        new TransactionTemplate(transactionManager).executeWithoutResult(s -> outbox.append(List.of(happened)));
        events.fanOut();
    }

    private static Outbox.Event softDecline(String order, String token, long minor, String currency) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("order_id", order);
        data.put("token_name", token);
        data.put("amount_minor", minor);
        data.put("currency", currency);
        data.put("next_attempt_on", "2026-12-04");
        data.put("reason", "13666 insufficient funds");
        return new Outbox.Event(EventType.CHARGE_DECLINED, data);
    }

    private Map<String, Object> notice(String customer) {
        return jdbc.queryForMap("SELECT kind, status, attempts, detail, sent_to, next_attempt_at > now() AS later FROM notices"
                + " WHERE customer_id = ? ORDER BY id DESC LIMIT 1", customer);
    }

    @Test
    void eachCustomerGetsANoticeInTheirLanguageWithBothPartsSignedLinksAndNoCardNumber() throws Exception {
        happen(softDecline("O-EN", "T-EN", 12550, "AED"),
                new Outbox.Event(EventType.TOKEN_INVALID, Map.of("token_name", "T-AR", "reason", "verification: 14000 declined")));

        NoticeSender.Pass pass = sender(smtp(SMTP.getSmtp().getPort()), Duration.ofDays(1)).sendDue(Duration.ofSeconds(30));

        assertThat(pass.sent()).isEqualTo(2);
        MimeMessage[] received = SMTP.getReceivedMessages();
        assertThat(received).hasSize(2);
        MimeMessage en = to(received, "en.customer@example.com");
        assertThat(en.getSubject()).isEqualTo("Your payment for order O-EN did not go through");
        assertThat(en.getFrom()[0].toString()).isEqualTo("billing@shop.example");
        assertThat(en.getHeader("Content-Language")[0]).isEqualTo("en");
        String enText = part(en, "text/plain");
        String enHtml = part(en, "text/html");
        assertThat(enText).contains("We could not charge 125.50 AED for your order O-EN to your card ending in 0001")
                .contains("We will try again on 4 December 2026");
        assertThat(enHtml).contains("dir=\"ltr\"").contains("125.50 AED");
        String link = link(enText);
        assertThat(enHtml).contains(link.replace("&", "&amp;"));
        assertSignedCardUpdate(link, "CUST-EN", "en.customer@example.com", "T-EN");
        String unsubscribe = en.getHeader("List-Unsubscribe")[0];
        assertThat(unsubscribe).startsWith("<https://pay.shop.example/notices/unsubscribe?customer_id=CUST-EN&sig=");
        assertThat(NoticeLinks.unsubscribeSigned(SECRET, "CUST-EN", unsubscribe.substring(unsubscribe.indexOf("&sig=") + 5,
                unsubscribe.length() - 1))).isTrue();
        assertThat(enText).contains(unsubscribe.substring(1, unsubscribe.length() - 1));

        MimeMessage ar = to(received, "ar.customer@example.com");
        assertThat(ar.getSubject()).isEqualTo("رُفضت بطاقتك");
        assertThat(ar.getHeader("Content-Language")[0]).isEqualTo("ar");
        String arHtml = part(ar, "text/html");
        assertThat(arHtml).contains("dir=\"rtl\"").contains("رُفضت بطاقتك المنتهية بالأرقام");
        assertThat(part(ar, "text/plain")).contains("أضف بطاقة أخرى للاحتفاظ بطلبك");
        assertSignedCardUpdate(link(part(ar, "text/plain")), "CUST-AR", "ar.customer@example.com", "T-AR");

        for (MimeMessage m : received) {
            assertThat(GreenMailUtil.getWholeMessage(m)).as("no card number, masked or not, beyond the last four")
                    .doesNotContain("400555").doesNotContain("******");
        }
        assertThat(notice("CUST-EN")).containsEntry("status", "SENT").containsEntry("sent_to", "en.customer@example.com")
                .containsEntry("kind", "SOFT_DECLINE");
        assertThat(notice("CUST-AR")).containsEntry("status", "SENT").containsEntry("kind", "TOKEN_INVALID");
    }

    @Test
    void atMostOneNoticePerCustomerInTheIntervalAndNoneAfterTheCustomerOptedOut() throws Exception {
        NoticeSender sender = sender(smtp(SMTP.getSmtp().getPort()), Duration.ofDays(1));
        happen(softDecline("O-EN", "T-EN", 12550, "AED"));
        assertThat(sender.sendDue(Duration.ofSeconds(30)).sent()).isOne();
        happen(softDecline("O-EN", "T-EN", 12550, "AED"), new Outbox.Event(EventType.CHARGE_FAILED,
                Map.of("order_id", "O-EN", "token_name", "T-EN", "amount_minor", 12550, "currency", "AED", "reason", "retries used")));

        NoticeSender.Pass pass = sender.sendDue(Duration.ofSeconds(30));

        assertThat(pass.sent()).isZero();
        assertThat(pass.skipped()).isEqualTo(2);
        assertThat(SMTP.getReceivedMessages()).hasSize(1);
        assertThat((String) notice("CUST-EN").get("detail")).startsWith("a notice went to this customer at ").endsWith("(at most one per PT24H)");

        // with no interval, a customer who opted out still gets nothing
        jdbc.update("UPDATE notice_customers SET unsubscribed_at = now() WHERE customer_id = 'CUST-EN'");
        happen(softDecline("O-EN", "T-EN", 12550, "AED"), softDecline("O-AR", "T-AR", 12345, "KWD"));
        pass = sender(smtp(SMTP.getSmtp().getPort()), Duration.ZERO).sendDue(Duration.ofSeconds(30));
        assertThat(pass.sent()).isOne();
        assertThat(pass.skipped()).isOne();
        assertThat((String) notice("CUST-EN").get("detail")).startsWith("the customer unsubscribed at ");
        assertThat(SMTP.getReceivedMessages()).hasSize(2);
        assertThat(SMTP.getReceivedMessages()[1].getAllRecipients()[0].toString()).isEqualTo("ar.customer@example.com");
    }

    @Test
    void anAddressTheServerRefusesIsAnExceptionNotARetryLoopAndAnUnreachableServerIsTriedAgainLater() throws Exception {
        try (RefusingSmtp refusing = new RefusingSmtp()) {
            happen(softDecline("O-EN", "T-EN", 12550, "AED"));
            NoticeSender sender = sender(smtp(refusing.port()), Duration.ofDays(1));

            NoticeSender.Pass pass = sender.sendDue(Duration.ofSeconds(30));

            assertThat(pass.refused()).isOne();
            assertThat(notice("CUST-EN")).containsEntry("status", "REFUSED").containsEntry("attempts", 1);
            assertThat((String) notice("CUST-EN").get("detail")).contains("550");
            assertThat(sender.sendDue(Duration.ofSeconds(5)).total()).as("never tried again").isZero();
            assertThat(refusing.rcpts()).isOne();
            assertThat(exceptions.rows(java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(1))).filteredOn(r -> r.type().equals("NOTICE_REFUSED"))
                    .singleElement().satisfies(r -> {
                        assertThat(r.tokenName()).isEqualTo("T-EN");
                        assertThat(r.orderId()).isEqualTo("O-EN");
                        assertThat(r.detail()).startsWith("SOFT_DECLINE notice to customer CUST-EN not sent: the mail server refused the address")
                                .contains("550");
                    });
        }
        int closed;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = free.getLocalPort();
        }
        happen(softDecline("O-AR", "T-AR", 12345, "KWD"));
        NoticeSender.Pass pass = sender(smtp(closed), Duration.ofDays(1)).sendDue(Duration.ofSeconds(30));
        assertThat(pass.retried()).isOne();
        assertThat(notice("CUST-AR")).containsEntry("status", "PENDING").containsEntry("attempts", 1).containsEntry("later", true);
    }

    @Test
    void aCardThatExpiresBeforeItsNextDueChargeIsReportedOnceAndItsCustomerTold() throws Exception {
        jdbc.update("UPDATE tokens SET card_expiry = '11/26'");
        jdbc.update("UPDATE orders SET status = 'DEFERRED', charge_on = DATE '2026-12-05' WHERE order_id = 'O-EN'");
        jdbc.update("UPDATE orders SET status = 'DEFERRED', charge_on = DATE '2026-11-30' WHERE order_id = 'O-AR'");

        assertThat(expiring.report(java.time.LocalDate.of(2026, 11, 28))).as("T-EN only: T-AR is charged before its card ends").isOne();
        assertThat(expiring.report(java.time.LocalDate.of(2026, 11, 29))).as("once per card expiry").isZero();
        assertThat(jdbc.queryForObject("SELECT body FROM outbox WHERE type = 'token.expiring'", String.class))
                .contains("\"token_name\":\"T-EN\"").contains("\"card_expiry\":\"11/26\"").contains("\"next_due_on\":\"2026-12-05\"");
        events.fanOut();
        assertThat(sender(smtp(SMTP.getSmtp().getPort()), Duration.ofDays(1)).sendDue(Duration.ofSeconds(30)).sent()).isOne();
        MimeMessage told = SMTP.getReceivedMessages()[0];
        assertThat(told.getSubject()).isEqualTo("Your card expires soon");
        assertThat(part(told, "text/plain")).contains("Your card ending in 0001 expires at the end of 11/26, before your next payment.");

        jdbc.update("UPDATE tokens SET card_expiry = '12/26' WHERE token_name = 'T-EN'");
        assertThat(expiring.report(java.time.LocalDate.of(2026, 11, 30))).as("a new expiry, after the charge").isZero();
        jdbc.update("UPDATE orders SET charge_on = DATE '2027-01-10' WHERE order_id = 'O-EN'");
        assertThat(expiring.report(java.time.LocalDate.of(2026, 11, 30))).as("the new expiry, before the moved charge: reported").isOne();
    }

    @Test
    void withNoMailHostTheNoticeIsAnEmlFileAMailProgramOpens() throws Exception {
        happen(softDecline("O-AR", "T-AR", 12345, "KWD"));

        NoticeSender sender = sender(null, Duration.ofDays(1));
        assertThat(sender.sendDue(Duration.ofSeconds(30)).sent()).isOne();

        assertThat(sender.mailDir()).isEqualTo(engine.dataDir().resolve("mail"));
        List<Path> files;
        try (Stream<Path> list = Files.list(sender.mailDir())) {
            files = list.toList();
        }
        assertThat(files).hasSize(1);
        assertThat(files.get(0).getFileName().toString()).contains("-soft_decline-evt_").endsWith(".eml");
        MimeMessage read;
        try (InputStream in = Files.newInputStream(files.get(0))) {
            read = new MimeMessage(Session.getInstance(new Properties()), in);
        }
        assertThat(read.getAllRecipients()[0].toString()).isEqualTo("ar.customer@example.com");
        assertThat(read.getSubject()).isEqualTo("لم تتم عملية الدفع للطلب O-AR");
        assertThat(read.getMessageID()).isNotBlank();
        assertThat(part(read, "text/plain")).contains("12.345 KWD").contains("4 ديسمبر 2026");
        assertThat(part(read, "text/html")).contains("dir=\"rtl\"");
    }

    private static MimeMessage to(MimeMessage[] messages, String address) throws Exception {
        for (MimeMessage m : messages) {
            if (m.getAllRecipients()[0].toString().equals(address)) {
                return m;
            }
        }
        throw new AssertionError("no message to " + address);
    }

    static String part(Part part, String type) throws Exception {
        if (part.isMimeType(type)) {
            return (String) part.getContent();
        }
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart body = multipart.getBodyPart(i);
                String found = partOrNull(body, type);
                if (found != null) {
                    return found;
                }
            }
        }
        throw new AssertionError("no " + type + " part");
    }

    private static String partOrNull(Part part, String type) throws Exception {
        try {
            return part(part, type);
        } catch (AssertionError e) {
            return null;
        }
    }

    private static String link(String text) {
        Matcher m = LINK.matcher(text);
        assertThat(m.find()).as("a card-update link in: " + text).isTrue();
        return m.group();
    }

    /** The link's fields, decoded, are signed in the contract's order with the enrolment secret, and name the token replaced. */
    private static void assertSignedCardUpdate(String link, String customer, String email, String token) {
        assertThat(link).startsWith("https://pay.shop.example/enrol?customer_id=" + customer + "&email=");
        Map<String, String> q = new LinkedHashMap<>();
        for (String pair : URI.create(link).getRawQuery().split("&", -1)) {
            q.put(pair.substring(0, pair.indexOf('=')), URLDecoder.decode(pair.substring(pair.indexOf('=') + 1), StandardCharsets.UTF_8));
        }
        assertThat(q.keySet()).containsExactly("customer_id", "email", "replaces", "return_to", "expires", "sig");
        assertThat(q).containsEntry("customer_id", customer).containsEntry("email", email).containsEntry("replaces", token)
                .containsEntry("return_to", "https://pay.shop.example/notices/card-updated");
        long expires = Long.parseLong(q.get("expires"));
        assertThat(expires).isBetween(Instant.now().plus(Duration.ofDays(7)).getEpochSecond() - 120, Instant.now().plus(Duration.ofDays(7)).getEpochSecond());
        String signed = "customer_id=" + customer + "&email=" + email + "&replaces=" + token + "&return_to=" + q.get("return_to")
                + "&expires=" + expires;
        assertThat(q.get("sig")).isEqualTo(EnrolLinks.hmacHex(SECRET, signed));
        assertThat(EnrolLinks.refusal(SECRET, new EnrolLinks.Link(customer, email, token, q.get("return_to"), expires), q.get("sig"),
                Instant.now())).isNull();
    }

    /** An SMTP server that refuses every recipient with 550, as a mail server does for an address that does not exist. */
    static final class RefusingSmtp implements AutoCloseable {

        private final ServerSocket socket;
        private final Thread thread;
        private final List<String> rcpts = new ArrayList<>();

        RefusingSmtp() throws IOException {
            socket = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
            thread = new Thread(this::serve, "refusing-smtp");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        synchronized int rcpts() {
            return rcpts.size();
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket client = socket.accept();
                     BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
                     PrintWriter out = new PrintWriter(client.getOutputStream(), true, StandardCharsets.US_ASCII)) {
                    out.print("220 refusing.test ESMTP\r\n");
                    out.flush();
                    String line;
                    while ((line = in.readLine()) != null) {
                        String command = line.length() >= 4 ? line.substring(0, 4).toUpperCase(java.util.Locale.ROOT) : line;
                        switch (command) {
                            case "EHLO", "HELO" -> out.print("250 refusing.test\r\n");
                            case "MAIL" -> out.print("250 2.1.0 OK\r\n");
                            case "RCPT" -> {
                                synchronized (this) {
                                    rcpts.add(line);
                                }
                                out.print("550 5.1.1 The email account that you tried to reach does not exist\r\n");
                            }
                            case "RSET", "NOOP" -> out.print("250 2.0.0 OK\r\n");
                            case "QUIT" -> {
                                out.print("221 2.0.0 Bye\r\n");
                                out.flush();
                                return;
                            }
                            default -> out.print("502 5.5.2 Command not implemented\r\n");
                        }
                        out.flush();
                    }
                } catch (IOException e) {
                    if (socket.isClosed()) {
                        return;
                    }
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
