package dev.billing.scheduling;

import dev.billing.operations.JobRunner;
import dev.billing.support.InvalidInputException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;

/** Reads {@code jobs/*.yml}, one schedule a file, named after the file. A file that does not parse is one clear error. */
public final class ScheduleFiles {

    private static final java.util.List<String> JOBS = JobRunner.RUNNABLE;
    private static final Set<String> KEYS = Set.of("job", "cron", "zone", "business-date", "catch-up-days");

    private ScheduleFiles() {
    }

    public static List<Schedule> read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new InvalidInputException("the schedules directory " + dir.toAbsolutePath() + " does not exist; set billing.schedules.dir");
        }
        List<Schedule> schedules = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".yml")).sorted().toList()) {
                schedules.add(parse(file));
            }
        } catch (IOException e) {
            throw new InvalidInputException("cannot read the schedules directory " + dir + ": " + e.getMessage());
        }
        if (schedules.isEmpty()) {
            throw new InvalidInputException("there is no schedule (*.yml) in " + dir.toAbsolutePath());
        }
        return schedules;
    }

    static Schedule parse(Path file) {
        String name = file.getFileName().toString().replaceFirst("\\.yml$", "");
        try (Reader reader = Files.newBufferedReader(file)) {
            Object loaded = new Yaml().load(reader);
            if (!(loaded instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException("it must be a map of job, cron, zone, business-date, catch-up-days");
            }
            for (Object key : map.keySet()) {
                if (!KEYS.contains(String.valueOf(key))) {
                    throw new IllegalArgumentException("unknown key '" + key + "'");
                }
            }
            String job = required(map, "job");
            if (!JOBS.contains(job)) {
                throw new IllegalArgumentException("job '" + job + "' must be one of nightly, verify-tokens, charge-orders, reconcile");
            }
            String rule = map.containsKey("business-date") ? String.valueOf(map.get("business-date")) : "previous-day";
            if (!rule.equals("previous-day") && !rule.equals("same-day")) {
                throw new IllegalArgumentException("business-date '" + rule + "' must be previous-day or same-day");
            }
            Object days = map.containsKey("catch-up-days") ? map.get("catch-up-days") : 3;
            if (!(days instanceof Integer catchUp)) {
                throw new IllegalArgumentException("catch-up-days must be a whole number");
            }
            return new Schedule(name, job, required(map, "cron"), ZoneId.of(required(map, "zone")), rule.equals("previous-day"), catchUp);
        } catch (IOException e) {
            throw new InvalidInputException("schedule " + file + ": cannot read it: " + e.getMessage());
        } catch (YAMLException e) {
            throw new InvalidInputException("schedule " + file + ": not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
        } catch (DateTimeException e) {
            throw new InvalidInputException("schedule " + file + ": zone is not a time zone: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("schedule " + file + ": " + e.getMessage());
        }
    }

    private static String required(Map<?, ?> map, String key) {
        Object value = map.get(key);
        if (value == null || String.valueOf(value).isBlank()) {
            throw new IllegalArgumentException("'" + key + "' is missing");
        }
        return String.valueOf(value);
    }
}
