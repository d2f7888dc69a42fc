package dev.billing.importing;

import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * What an import step did, kept in the step's execution context so that it is committed with each chunk and
 * survives a restart.
 */
public record ImportCounters(long inserted, long updated, long unchanged, long rejected) {

    static final String INSERTED = "import.inserted";
    static final String UPDATED = "import.updated";
    static final String UNCHANGED = "import.unchanged";
    static final String REJECTED = "import.rejected";

    public static ImportCounters from(ExecutionContext context) {
        return new ImportCounters(context.getLong(INSERTED, 0), context.getLong(UPDATED, 0),
                context.getLong(UNCHANGED, 0), context.getLong(REJECTED, 0));
    }

    public ImportCounters plus(ImportCounters other) {
        return new ImportCounters(inserted + other.inserted, updated + other.updated,
                unchanged + other.unchanged, rejected + other.rejected);
    }

    void addTo(ExecutionContext context) {
        ImportCounters total = from(context).plus(this);
        context.putLong(INSERTED, total.inserted);
        context.putLong(UPDATED, total.updated);
        context.putLong(UNCHANGED, total.unchanged);
        context.putLong(REJECTED, total.rejected);
    }

    public long loaded() {
        return inserted + updated + unchanged;
    }

    @Override
    public String toString() {
        return String.format("%,d new, %,d updated, %,d unchanged, %,d rejected", inserted, updated, unchanged, rejected);
    }
}
