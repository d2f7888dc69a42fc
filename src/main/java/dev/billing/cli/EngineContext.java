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
    private final Map<String, Object> overrides = new java.util.HashMap<>();
    private ConfigurableApplicationContext context;

    public EngineContext(List<String> springArgs, Map<String, Object> defaults) {
        this.springArgs = List.copyOf(springArgs);
        this.defaults = Map.copyOf(defaults);
    }

    /** Properties that win over the command line's; only before the context has started. */
    public synchronized void override(Map<String, Object> properties) {
        if (context != null) {
            throw new IllegalStateException("the engine has already started");
        }
        overrides.putAll(properties);
    }

    public synchronized ConfigurableApplicationContext context() {
        if (context == null) {
            List<String> args = new java.util.ArrayList<>(springArgs);
            overrides.forEach((name, value) -> args.add("--" + name + "=" + value));
            context = new SpringApplicationBuilder(BillingEngineApplication.class)
                    .properties(defaults)
                    .run(args.toArray(String[]::new));
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
