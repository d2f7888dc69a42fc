package dev.billing.cli;

import dev.billing.BillingEngineApplication;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The Spring context behind a command, started the first time a command needs it and closed when it ends. */
public final class EngineContext implements AutoCloseable {

    private final List<String> springArgs;
    private final Map<String, Object> defaults;
    private ConfigurableApplicationContext context;

    public EngineContext(List<String> springArgs, Map<String, Object> defaults) {
        this.springArgs = List.copyOf(springArgs);
        this.defaults = Map.copyOf(defaults);
    }

    public synchronized ConfigurableApplicationContext context() {
        if (context == null) {
            context = new SpringApplicationBuilder(BillingEngineApplication.class)
                    .properties(defaults)
                    .run(springArgs.toArray(String[]::new));
        }
        return context;
    }

    public <T> T bean(Class<T> type) {
        return context().getBean(type);
    }

    @Override
    public synchronized void close() {
        if (context != null) {
            context.close();
            context = null;
        }
    }
}
