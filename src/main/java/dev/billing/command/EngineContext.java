package dev.billing.command;

import dev.billing.BillingEngineApplication;
import dev.billing.support.SecretFiles;
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

    /** The value the user gave {@code --name=value} on the command line, if any. */
    public java.util.Optional<String> userValue(String name) {
        return springArgs.stream().filter(a -> sets(a, name)).map(a -> a.substring(name.length() + 3)).reduce((a, b) -> b);
    }

    /** True when the command-line argument is {@code --name=...}. */
    private static boolean sets(String arg, String name) {
        return arg.startsWith("--" + name + "=");
    }

    /**
     * Properties that win over the command line's; only before the context has started. The user's argument of the
     * same name is left out (Spring would join the two values with a comma).
     */
    public synchronized void override(Map<String, Object> properties) {
        if (context != null) {
            throw new IllegalStateException("the engine has already started");
        }
        overrides.putAll(properties);
    }

    public synchronized ConfigurableApplicationContext context() {
        if (context == null) {
            List<String> args = new java.util.ArrayList<>(springArgs.stream()
                    .filter(a -> overrides.keySet().stream().noneMatch(name -> sets(a, name))).toList());
            overrides.forEach((name, value) -> args.add("--" + name + "=" + value));
            context = new SpringApplicationBuilder(BillingEngineApplication.class)
                    .initializers(new SecretFiles())
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
