package dev.billing.notices;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.web.util.HtmlUtils;
import org.thymeleaf.context.Context;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.AbstractConfigurableTemplateResolver;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;
import org.thymeleaf.templateresolver.FileTemplateResolver;

/**
 * The notices' texts: {@code notice_<language>.html} and {@code notice_<language>.txt}, Thymeleaf templates, from
 * {@code billing.notices.templates-dir} when it holds them, else the engine's own ({@code classpath:notices/}). The
 * subject is the HTML's {@code <title>}. The model: {@code kind}, {@code merchant}, {@code orderId}, {@code amount},
 * {@code nextAttemptOn}, {@code card} (the last four digits), {@code cardExpiry}, {@code link}, {@code linkExpires},
 * {@code unsubscribe}.
 */
final class NoticeTemplates {

    /** A rendered notice. */
    record Rendered(String subject, String text, String html) {
    }

    private static final Pattern TITLE = Pattern.compile("<title[^>]*>(.*?)</title>", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);

    private final SpringTemplateEngine engine = new SpringTemplateEngine();

    NoticeTemplates(Path merchantDir) {
        int order = 1;
        if (merchantDir != null) {
            String prefix = merchantDir.toAbsolutePath().normalize() + "/";
            engine.addTemplateResolver(resolver(new FileTemplateResolver(), prefix, "*.html", TemplateMode.HTML, order++));
            engine.addTemplateResolver(resolver(new FileTemplateResolver(), prefix, "*.txt", TemplateMode.TEXT, order++));
        }
        engine.addTemplateResolver(resolver(new ClassLoaderTemplateResolver(), "notices/", "*.html", TemplateMode.HTML, order++));
        engine.addTemplateResolver(resolver(new ClassLoaderTemplateResolver(), "notices/", "*.txt", TemplateMode.TEXT, order));
    }

    private static AbstractConfigurableTemplateResolver resolver(AbstractConfigurableTemplateResolver resolver, String prefix, String pattern,
                                                                 TemplateMode mode, int order) {
        resolver.setPrefix(prefix);
        resolver.setResolvablePatterns(java.util.Set.of(pattern));
        resolver.setTemplateMode(mode);
        resolver.setCharacterEncoding("UTF-8");
        resolver.setCheckExistence(true);
        resolver.setCacheable(true);
        resolver.setOrder(order);
        return resolver;
    }

    /** The notice in {@code language} ({@code en} or {@code ar}; anything else is English). */
    Rendered render(String language, Map<String, Object> model) {
        String lang = "ar".equals(language) ? "ar" : "en";
        Context context = new Context(Locale.forLanguageTag(lang), model);
        String html = engine.process("notice_" + lang + ".html", context);
        String text = engine.process("notice_" + lang + ".txt", context);
        Matcher title = TITLE.matcher(html);
        String subject = title.find() ? HtmlUtils.htmlUnescape(title.group(1)).replaceAll("\\s+", " ").strip() : "";
        if (subject.isEmpty()) {
            throw new IllegalStateException("the notice template notice_" + lang + ".html has no <title>: it is the message's subject");
        }
        return new Rendered(subject, text, html);
    }
}
