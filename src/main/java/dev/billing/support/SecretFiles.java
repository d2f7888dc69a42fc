package dev.billing.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Secrets off the command line (contract, "Operations"): every secret setting {@code X} may be given as
 * {@code X-file=PATH}, the file's content (stripped of surrounding white space) being the value. A secret file that
 * anyone but its owner may read or write is refused before the engine starts, in one line; so is one that is missing
 * or empty. Applied to the engine's environment before any setting is bound; {@link #onCommandLine} names the secrets
 * given on the command line itself, where every local user sees them in {@code ps}.
 */
public final class SecretFiles implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    /** The secret settings (besides each webhook endpoint's {@code billing.events.endpoints[N].secret}). */
    public static final List<String> SECRETS = List.of("billing.gateway.access-code", "billing.gateway.request-phrase",
            "billing.gateway.response-phrase", "billing.enrolment.secret", "spring.datasource.password", "spring.mail.password");
    private static final Pattern ENDPOINT_SECRET = Pattern.compile("billing\\.events\\.endpoints\\[\\d+]\\.secret");
    /** Each account's secrets (given as files by the account's own {@code -file} settings, read where the account is bound). */
    private static final Pattern ACCOUNT_SECRET = Pattern.compile(
            "billing\\.gateway\\.(accounts\\.[^.]+\\.)?(tokenization\\.)?(access-code|request-phrase|response-phrase)");
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        apply(context.getEnvironment());
    }

    /** Puts each {@code X-file}'s content first in the environment as {@code X}; checks the config trees' secret files. */
    public static void apply(ConfigurableEnvironment environment) {
        checkConfigTrees(environment);
        Map<String, Object> secrets = new LinkedHashMap<>();
        for (String name : SECRETS) {
            String file = environment.getProperty(name + "-file");
            if (file != null && !file.isBlank()) {
                secrets.put(name, read(name + "-file", Path.of(file.strip())));
            }
        }
        if (!secrets.isEmpty()) {
            environment.getPropertySources().addFirst(new MapPropertySource("secret-files", secrets));
        }
    }

    /**
     * Spring's {@code spring.config.import=configtree:DIR/} reads each file of DIR as the setting it is named after: the
     * files named as secret settings there are held to the same rule (the owner's only, not empty) as the {@code -file}
     * settings. A {@code DIR/*}{@code /} tree is looked at one level down.
     */
    static void checkConfigTrees(ConfigurableEnvironment environment) {
        String imports = environment.getProperty("spring.config.import");
        if (imports == null) {
            return;
        }
        for (String entry : imports.split(",", -1)) {
            String location = entry.strip();
            location = location.startsWith("optional:") ? location.substring("optional:".length()) : location;
            if (!location.startsWith("configtree:")) {
                continue;
            }
            String tree = location.substring("configtree:".length());
            boolean wildcard = tree.endsWith("*/") || tree.endsWith("*");
            Path root = Path.of(wildcard ? tree.substring(0, tree.lastIndexOf('*')) : tree);
            List<Path> dirs = new java.util.ArrayList<>();
            if (!wildcard) {
                dirs.add(root);
            } else if (Files.isDirectory(root)) {
                try (java.util.stream.Stream<Path> children = Files.list(root)) {
                    children.filter(Files::isDirectory).forEach(dirs::add);
                } catch (IOException e) {
                    throw new InvalidInputException("spring.config.import: cannot list " + root + " (" + e.getMessage() + "); the engine did not start");
                }
            }
            for (Path dir : dirs) {
                for (String name : SECRETS) {
                    for (Path file : List.of(dir.resolve(name), dir.resolve(name.replace('.', '/')))) {
                        if (Files.exists(file)) {
                            read("spring.config.import (configtree, " + name + ")", file);
                        }
                    }
                }
            }
        }
    }

    /**
     * The content of a secret file, stripped; refused (one line, naming the setting and what to do) when it is missing,
     * empty, or open to others than its owner.
     */
    public static String read(String setting, Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new InvalidInputException(setting + ": " + file + " is not a file; the engine did not start");
            }
            if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
                Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
                open.addAll(Files.getPosixFilePermissions(file));
                open.retainAll(OTHERS);
                if (!open.isEmpty()) {
                    throw new InvalidInputException(setting + ": " + file + " can be read or written by others than its owner ("
                            + PosixFilePermissions.toString(Files.getPosixFilePermissions(file)) + "); make it the owner's only (chmod 600 "
                            + file + "); the engine did not start");
                }
            }
            String secret = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (secret.isEmpty()) {
                throw new InvalidInputException(setting + ": " + file + " is empty; the engine did not start");
            }
            return secret;
        } catch (IOException e) {
            throw new InvalidInputException(setting + ": cannot read " + file + " (" + e.getMessage() + "); the engine did not start");
        }
    }

    /** Whether {@code name} is a secret setting. */
    public static boolean isSecret(String name) {
        return SECRETS.contains(name) || ENDPOINT_SECRET.matcher(name).matches() || ACCOUNT_SECRET.matcher(name).matches();
    }

    /** The secret settings among {@code --name=value} arguments. */
    public static List<String> onCommandLine(List<String> springArgs) {
        return springArgs.stream().filter(a -> a.startsWith("--") && a.indexOf('=') > 2).map(a -> a.substring(2, a.indexOf('=')))
                .filter(SecretFiles::isSecret).distinct().toList();
    }
}
