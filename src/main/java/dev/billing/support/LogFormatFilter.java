package dev.billing.support;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Lets an appender write only in the log format chosen ({@code billing.log.format}: {@code text}, the default, or
 * {@code json}): logback-spring.xml declares a text and a JSON twin of each appender, each with this filter.
 */
public class LogFormatFilter extends Filter<ILoggingEvent> {

    private String expected = "text";
    private String actual = "text";

    public void setExpected(String expected) {
        this.expected = expected;
    }

    public void setActual(String actual) {
        this.actual = actual;
    }

    @Override
    public FilterReply decide(ILoggingEvent event) {
        return expected.equalsIgnoreCase(actual == null || actual.isBlank() ? "text" : actual.strip()) ? FilterReply.NEUTRAL : FilterReply.DENY;
    }
}
