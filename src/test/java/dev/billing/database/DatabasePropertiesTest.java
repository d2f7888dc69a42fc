package dev.billing.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DatabasePropertiesTest {

    private static final long GB = 1024L * 1024 * 1024;

    @Test
    void autoSharedBuffersIsAQuarterOfTheMemoryFrom128MbTo1Gb() {
        assertThat(DatabaseProperties.autoSharedBuffers(2 * GB)).isEqualTo("512MB");
        assertThat(DatabaseProperties.autoSharedBuffers(GB / 4)).isEqualTo("128MB");
        assertThat(DatabaseProperties.autoSharedBuffers(0)).as("memory not known").isEqualTo("128MB");
        assertThat(DatabaseProperties.autoSharedBuffers(64 * GB)).isEqualTo("1024MB");
    }

    @Test
    void theServerStartsWithTheSizesGivenAndRefusesOthersInOneLine() {
        DatabaseProperties given = new DatabaseProperties(20, Duration.ofSeconds(60), "256MB", "4GB");
        assertThat(given.serverSettings()).containsEntry("shared_buffers", "256MB").containsEntry("max_wal_size", "4GB");
        assertThat(new DatabaseProperties(20, Duration.ofSeconds(60), "auto", "2GB").serverSettings().get("shared_buffers"))
                .matches("[0-9]+MB");
        assertThatThrownBy(() -> new DatabaseProperties(20, Duration.ofSeconds(60), "lots", "2GB"))
                .hasMessage("billing.database.shared-buffers must be auto or a size such as 512MB, not lots");
        assertThatThrownBy(() -> new DatabaseProperties(20, Duration.ofSeconds(60), "auto", "2 GB; fsync=off"))
                .hasMessageStartingWith("billing.database.max-wal-size must be a size such as 2GB");
    }
}
