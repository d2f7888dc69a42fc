package dev.billing.notices;

import dev.billing.enrolment.EnrolmentProperties;
import dev.billing.money.CurrencyUnit;
import dev.billing.money.Money;
import dev.billing.support.EngineProperties;
import dev.billing.support.EngineThreads;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mail.MailException;
import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends the customers' notices: by SMTP when {@code spring.mail.host} is set, else as RFC 5322 files in
 * {@code <data-dir>/mail/}. One notice per transaction: its row is taken locked ({@code FOR UPDATE SKIP LOCKED}, so that
 * no two nodes send it), then its customer's row (so that two notices of one customer are decided one after the
 * other): a customer who opted out gets nothing, and one who was sent a notice within {@code min-interval} gets no
 * other (SKIPPED, with the reason); else the message is sent and the notice is SENT. An address the mail server refuses
 * is REFUSED, for a person (the exceptions report), never tried again; a mail server that cannot be reached is tried
 * again after growing waits, and given up after {@code give-up-after}. A crash between the send and the commit sends
 * that notice again: at least once, as the webhooks.
 */
@Component
public class NoticeSender implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NoticeSender.class);

    /** What a pass did. */
    public record Pass(int sent, int skipped, int refused, int retried) {

        Pass plus(Pass o) {
            return new Pass(sent + o.sent, skipped + o.skipped, refused + o.refused, retried + o.retried);
        }

        public int total() {
            return sent + skipped + refused + retried;
        }
    }

    private record Due(long id, String eventId, NoticeKind kind, String customerId, String tokenName, String orderId, Long amountMinor,
                       String currency, LocalDate nextAttemptOn, int attempts, Instant createdAt, String email, String language,
                       String cardMask, String cardExpiry) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final NoticesProperties settings;
    private final EnrolmentProperties enrolment;
    private final ObjectProvider<JavaMailSender> mail;
    private final EngineProperties engine;
    private final EngineThreads threads;
    private final NoticeTemplates templates;
    private final Environment environment;
    private volatile boolean running;
    private Thread loop;

    public NoticeSender(JdbcTemplate jdbc, PlatformTransactionManager transactionManager, NoticesProperties settings,
                        EnrolmentProperties enrolment, ObjectProvider<JavaMailSender> mail, EngineProperties engine, EngineThreads threads,
                        Environment environment) {
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactionManager);
        this.settings = settings;
        this.enrolment = enrolment;
        this.mail = mail;
        this.engine = engine;
        this.threads = threads;
        this.templates = new NoticeTemplates(settings.templatesDir());
        this.environment = environment;
    }

    /**
     * The engine's address in the links: {@code billing.notices.link-base}, else {@code billing.enrolment.public-url},
     * else the address and port serve listens on (the port it took, when it chose one).
     */
    private String linkBase() {
        if (settings.linkBase() != null) {
            return settings.linkBase().toString();
        }
        if (enrolment.publicUrl() != null) {
            return enrolment.publicUrl().toString();
        }
        return "http://" + environment.getProperty("server.address", "127.0.0.1") + ":"
                + environment.getProperty("local.server.port", environment.getProperty("server.port", "8081"));
    }

    public boolean enabled() {
        return settings.enabled();
    }

    /** Where notices are written when no mail host is set; null when they go by SMTP. */
    public Path mailDir() {
        return mail.getIfAvailable() == null ? engine.dataDir().resolve("mail") : null;
    }

    /** Sends what is due until nothing is or {@code within} has passed (what {@code run} and {@code demo} do). */
    public Pass sendDue(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        Pass total = new Pass(0, 0, 0, 0);
        while (settings.enabled() && System.nanoTime() < deadline) {
            Pass one = sendOne();
            if (one.total() == 0) {
                break;
            }
            total = total.plus(one);
        }
        return total;
    }

    /** Sends continuously in the background (what {@code serve} does), looking every {@code every} when nothing was due. */
    public synchronized void start(Duration every) {
        if (running || !settings.enabled()) {
            return;
        }
        running = true;
        loop = threads.thread("notices", () -> {
            while (running) {
                Pass pass;
                try {
                    pass = sendOne();
                } catch (RuntimeException e) {
                    log.warn("Sending notices failed: {}; trying again", e.toString());
                    pass = new Pass(0, 0, 0, 0);
                }
                if (pass.total() == 0) {
                    try {
                        Thread.sleep(every.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        });
        loop.start();
    }

    @Override
    public synchronized void close() {
        running = false;
        if (loop != null) {
            loop.interrupt();
            try {
                loop.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            loop = null;
        }
    }

    /** One due notice, decided and sent in one transaction. */
    Pass sendOne() {
        Pass pass = transaction.execute(status -> {
            List<Due> due = jdbc.query("""
                    SELECT n.id, n.event_id, n.kind, n.customer_id, n.token_name, n.order_id, n.amount_minor, n.currency, n.next_attempt_on,
                           n.attempts, n.created_at, t.customer_email, t.language, t.card_mask, t.card_expiry
                    FROM notices n JOIN tokens t ON t.token_name = n.token_name
                    WHERE n.status = 'PENDING' AND n.next_attempt_at <= now()
                    ORDER BY n.next_attempt_at, n.id LIMIT 1 FOR UPDATE OF n SKIP LOCKED""",
                    (rs, n) -> new Due(rs.getLong(1), rs.getString(2), NoticeKind.valueOf(rs.getString(3)), rs.getString(4), rs.getString(5),
                            rs.getString(6), (Long) rs.getObject(7), rs.getString(8),
                            rs.getDate(9) == null ? null : rs.getDate(9).toLocalDate(), rs.getInt(10), rs.getTimestamp(11).toInstant(),
                            rs.getString(12), rs.getString(13), rs.getString(14), rs.getString(15)));
            return due.isEmpty() ? new Pass(0, 0, 0, 0) : decide(due.get(0));
        });
        return pass == null ? new Pass(0, 0, 0, 0) : pass;
    }

    private Pass decide(Due due) {
        jdbc.update("INSERT INTO notice_customers (customer_id) VALUES (?) ON CONFLICT DO NOTHING", due.customerId());
        Map<String, Object> customer = jdbc.queryForMap("SELECT last_sent_at, unsubscribed_at FROM notice_customers WHERE customer_id = ? FOR UPDATE",
                due.customerId());
        Instant now = Instant.now();
        String skip = NoticePolicy.skipReason(now, settings.minInterval(), instant(customer.get("last_sent_at")),
                instant(customer.get("unsubscribed_at")));
        if (skip == null && !enrolment.enabled()) {
            skip = "billing.enrolment.secret is not set: a notice carries links signed with it";
        }
        if (skip != null) {
            end(due, "SKIPPED", skip, null);
            return new Pass(0, 1, 0, 0);
        }
        try {
            deliver(due, now);
        } catch (MailException | MessagingException | IOException e) {
            String why = oneLine(e);
            if (addressRefused(e)) {
                log.warn("Notice {} for customer {}: the mail server refused the address ({}); left for a person", due.eventId(),
                        due.customerId(), why);
                end(due, "REFUSED", "the mail server refused the address: " + why, null);
                return new Pass(0, 0, 1, 0);
            }
            int attempts = due.attempts() + 1;
            if (due.createdAt().plus(settings.giveUpAfter()).isBefore(now)) {
                log.warn("Notice {}: given up after {} attempts ({})", due.eventId(), attempts, why);
                jdbc.update("UPDATE notices SET status = 'GAVE_UP', attempts = ?, detail = ? WHERE id = ?", attempts, cut(why), due.id());
            } else {
                jdbc.update("UPDATE notices SET attempts = ?, detail = ?, next_attempt_at = now() + CAST(? AS interval) WHERE id = ?",
                        attempts, cut(why), settings.waitAfter(attempts).toMillis() + " milliseconds", due.id());
            }
            return new Pass(0, 0, 0, 1);
        }
        end(due, "SENT", null, due.email());
        jdbc.update("UPDATE notice_customers SET last_sent_at = now() WHERE customer_id = ?", due.customerId());
        return new Pass(1, 0, 0, 0);
    }

    private void end(Due due, String status, String detail, String sentTo) {
        jdbc.update("""
                UPDATE notices SET status = ?, detail = ?, sent_to = ?, sent_at = CASE WHEN ? = 'SENT' THEN now() END,
                    attempts = attempts + CASE WHEN ? IN ('SENT', 'REFUSED') THEN 1 ELSE 0 END
                WHERE id = ?""", status, cut(detail), sentTo, status, status, due.id());
    }

    private void deliver(Due due, Instant now) throws MessagingException, IOException {
        String base = linkBase();
        NoticeLinks links = new NoticeLinks(enrolment.secret(), base,
                settings.returnTo() != null ? settings.returnTo().toString() : base + UnsubscribeController.CARD_UPDATED,
                settings.linkValidFor());
        String unsubscribe = links.unsubscribe(due.customerId());
        NoticeTemplates.Rendered rendered = templates.render(due.language(), model(due, links, unsubscribe, now));
        JavaMailSender sender = mail.getIfAvailable();
        MimeMessage message = sender != null ? sender.createMimeMessage() : new MimeMessage(Session.getInstance(new Properties()));
        MimeMessageHelper helper = new MimeMessageHelper(message, MimeMessageHelper.MULTIPART_MODE_MIXED_RELATED, "UTF-8");
        helper.setFrom(settings.from());
        helper.setTo(due.email());
        helper.setSubject(rendered.subject());
        helper.setSentDate(Date.from(now));
        helper.setText(rendered.text(), rendered.html());
        message.setHeader("Content-Language", "ar".equals(due.language()) ? "ar" : "en");
        message.setHeader("List-Unsubscribe", "<" + unsubscribe + ">");
        message.setHeader("X-Billing-Notice", due.eventId());
        if (sender != null) {
            sender.send(message);
        } else {
            write(message, due);
        }
    }

    /** Writes the message to {@code <data-dir>/mail/<time>-<kind>-<event>.eml}, whole or not at all. */
    private void write(MimeMessage message, Due due) throws MessagingException, IOException {
        message.saveChanges();
        Path dir = engine.dataDir().resolve("mail");
        Files.createDirectories(dir);
        String name = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss", Locale.ROOT).withZone(ZoneId.of("UTC")).format(Instant.now())
                + "-" + due.kind().name().toLowerCase(Locale.ROOT) + "-" + due.eventId() + ".eml";
        Path temp = dir.resolve(name + ".tmp");
        try (OutputStream out = Files.newOutputStream(temp)) {
            message.writeTo(out);
        }
        Files.move(temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private Map<String, Object> model(Due due, NoticeLinks links, String unsubscribe, Instant now) {
        Locale locale = "ar".equals(due.language()) ? Locale.forLanguageTag("ar") : Locale.ENGLISH;
        DateTimeFormatter dates = DateTimeFormatter.ofPattern("d MMMM yyyy", locale);
        Map<String, Object> model = new HashMap<>();
        model.put("kind", due.kind().name());
        model.put("merchant", settings.merchantName());
        model.put("orderId", due.orderId() == null ? "" : due.orderId());
        model.put("amount", due.amountMinor() == null || due.currency() == null ? ""
                : Money.ofMinor(due.amountMinor(), CurrencyUnit.require(due.currency())).toString());
        model.put("nextAttemptOn", due.nextAttemptOn() == null ? "" : dates.format(due.nextAttemptOn()));
        model.put("card", due.cardMask().substring(due.cardMask().length() - 4));
        model.put("cardExpiry", due.cardExpiry());
        model.put("link", links.cardUpdate(due.customerId(), due.email(), due.tokenName(), now));
        model.put("linkExpires", dates.format(now.plus(settings.linkValidFor()).atZone(engine.zone()).toLocalDate()));
        model.put("unsubscribe", unsubscribe);
        return model;
    }

    /** Whether the mail server refused the recipient's address (a 5xx to RCPT): trying again would not help. */
    static boolean addressRefused(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MailSendException send) {
                for (Exception failed : send.getMessageExceptions()) {
                    if (failed != t && addressRefused(failed)) {
                        return true;
                    }
                }
            }
            if (t instanceof SendFailedException failed && failed.getInvalidAddresses() != null && failed.getInvalidAddresses().length > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Every message of the cause chain on one line: Spring's {@code MailSendException} keeps the failed message's
     * exception (with the mail server's reply, {@code 550 5.1.1 ...}) beside it, not as its cause, so
     * {@code Throwables.rootMessage} would give only "Failed messages: ... Invalid Addresses;".
     */
    private static String oneLine(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null && text.length() < 300; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !text.toString().contains(t.getMessage().strip())) {
                text.append(text.length() == 0 ? "" : "; ").append(t.getMessage().strip());
            }
        }
        return text.length() == 0 ? e.getClass().getSimpleName() : text.toString().replaceAll("\\s+", " ");
    }

    private static String cut(String text) {
        return text == null || text.length() <= 300 ? text : text.substring(0, 300);
    }

    private static Instant instant(Object value) {
        return value == null ? null : ((Timestamp) value).toInstant();
    }
}
