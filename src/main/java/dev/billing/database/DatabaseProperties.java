package dev.billing.database;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code billing.database.*}: the embedded PostgreSQL's connection pool, how long to wait for it to start, and the memory
 * and write-ahead log it starts with.
 *
 * @param poolSize      connections of this process's pool
 * @param startupWait   how long to wait for the server to accept connections
 * @param sharedBuffers the server's own page cache ({@code shared_buffers}): {@code auto} (a quarter of the machine's
 *                      memory, from 128MB to 1GB) or a size such as {@code 512MB}. PostgreSQL's default, 128MB, held a
 *                      few percent of a month of 100,000-order nights (4.7 GB).
 * @param maxWalSize    the log written between checkpoints ({@code max_wal_size}, default 2GB): a night's writes no
 *                      longer force a checkpoint, and the full-page images after each, in its middle
 */
@ConfigurationProperties("billing.database")
public record DatabaseProperties(@DefaultValue("20") int poolSize, @DefaultValue("60s") Duration startupWait,
                                 @DefaultValue("auto") String sharedBuffers, @DefaultValue("2GB") String maxWalSize) {

    private static final Pattern SIZE = Pattern.compile("[1-9][0-9]{0,6}(kB|MB|GB)");
    private static final long MB = 1024 * 1024;

    public DatabaseProperties {
        if (poolSize < 1) {
            throw new IllegalArgumentException("billing.database.pool-size must be at least 1, not " + poolSize);
        }
        if (!"auto".equals(sharedBuffers) && !SIZE.matcher(sharedBuffers).matches()) {
            throw new IllegalArgumentException("billing.database.shared-buffers must be auto or a size such as 512MB, not " + sharedBuffers);
        }
        if (!SIZE.matcher(maxWalSize).matches()) {
            throw new IllegalArgumentException("billing.database.max-wal-size must be a size such as 2GB, not " + maxWalSize);
        }
    }

    /** The settings the embedded server starts with. */
    public Map<String, String> serverSettings() {
        return Map.of("shared_buffers", "auto".equals(sharedBuffers) ? autoSharedBuffers(physicalMemory()) : sharedBuffers,
                "max_wal_size", maxWalSize);
    }

    /** A quarter of {@code memory} bytes, from 128MB to 1GB, in MB. */
    static String autoSharedBuffers(long memory) {
        long quarter = memory / 4 / MB;
        return Math.max(128, Math.min(1024, quarter)) + "MB";
    }

    private static long physicalMemory() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 0;
    }
}
