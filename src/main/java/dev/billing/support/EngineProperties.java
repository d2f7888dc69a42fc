package dev.billing.support;

import java.nio.file.Path;
import java.time.ZoneId;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;

/**
 * The engine's own places and time ({@code billing.data-dir}, {@code billing.zone}, {@code billing.reports.dir},
 * {@code billing.import.chunk-size}, {@code billing.schedules.dir}), each default written here once.
 *
 * @param dataDir   the embedded PostgreSQL's files and the engine's log, kept across runs
 * @param zone      the time zone that defines a business date
 * @param reports   where reports and import rejects are written
 * @param imports   the import's chunks
 * @param schedules where {@code serve} reads its schedules
 */
@ConfigurationProperties("billing")
public record EngineProperties(@DefaultValue("./data") Path dataDir, @DefaultValue("UTC") ZoneId zone,
                               @DefaultValue Reports reports, @Name("import") @DefaultValue Import imports,
                               @DefaultValue Schedules schedules) {

    /**
     * Where reports go.
     *
     * @param dir where reports and import rejects are written
     */
    public record Reports(@DefaultValue("./reports") Path dir) {
    }

    /**
     * How an import commits.
     *
     * @param chunkSize rows per committed chunk of an import
     */
    public record Import(@DefaultValue("20000") int chunkSize) {
        public Import {
            if (chunkSize < 1) {
                throw new IllegalArgumentException("billing.import.chunk-size must be at least 1, not " + chunkSize);
            }
        }
    }

    /**
     * Where schedules are.
     *
     * @param dir where serve reads its schedules
     */
    public record Schedules(@DefaultValue("./jobs") Path dir) {
    }
}
