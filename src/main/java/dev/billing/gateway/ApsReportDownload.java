package dev.billing.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads the Reporting API's download, streamed, one transaction at a time: the one place that knows its shape.
 *
 * <p><strong>Inferred, not documented.</strong> APS's public pages show the GENERATE_REPORT request and reply
 * (DOC-OLD {@code reportingapi.md}) and say that the report is then downloaded "using the same merchant reference";
 * they do not show the download's reply. What is read here: one JSON object whose scalar fields are the reply's
 * (signed as any reply: {@code response_code}, {@code status}, {@code merchant_reference}, ...) and whose one array
 * field ({@link #ROW_ARRAYS}: {@code transactions}, else {@code report}, {@code data} or {@code rows}) holds the
 * transactions, each an object of the requested columns; a JSON array alone is read as the transactions. The
 * signature is checked over the scalar fields only (a list of 200,000 rows is not held to be signed). When a real
 * sandbox answer differs, this class is what changes.
 *
 * <p>A {@code card_number} (or {@code expiry_date}, {@code card_holder_name}) in a row is never read: the engine does
 * not ask for those columns, and drops them when they come.
 */
public final class ApsReportDownload {

    /** The names the transactions' array may have, in the order they are looked for. */
    static final Set<String> ROW_ARRAYS = Set.of("transactions", "report", "data", "rows");
    /** Columns never read, whatever the gateway sends. */
    static final Set<String> NEVER_READ = Set.of("card_number", "expiry_date", "card_holder_name", "card_security_code");

    private static final JsonFactory FACTORY = new JsonFactory();

    /** Takes each transaction of the report, as column to text. */
    @FunctionalInterface
    public interface Rows {
        void accept(Map<String, String> row) throws IOException;
    }

    private ApsReportDownload() {
    }

    /**
     * Streams the body's transactions to {@code rows}; returns the reply's scalar fields (to check its signature and
     * code). A body that is not JSON of that shape is an {@link IOException} naming what was found.
     */
    public static Map<String, String> read(InputStream body, Rows rows) throws IOException {
        Map<String, String> scalars = new LinkedHashMap<>();
        try (JsonParser p = FACTORY.createParser(body)) {
            JsonToken first = p.nextToken();
            if (first == JsonToken.START_ARRAY) {
                readRows(p, rows);
                return scalars;
            }
            if (first != JsonToken.START_OBJECT) {
                throw new IOException("the report download is not a JSON object (it starts with " + first + ")");
            }
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.START_ARRAY && ROW_ARRAYS.contains(name)) {
                    readRows(p, rows);
                } else if (value.isScalarValue()) {
                    scalars.put(name, p.getText());
                } else {
                    p.skipChildren();
                }
            }
        }
        return scalars;
    }

    private static void readRows(JsonParser p, Rows rows) throws IOException {
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t != JsonToken.START_OBJECT) {
                throw new IOException("a transaction of the report download is not a JSON object (" + t + ")");
            }
            Map<String, String> row = new LinkedHashMap<>();
            for (JsonToken f = p.nextToken(); f == JsonToken.FIELD_NAME; f = p.nextToken()) {
                String column = p.currentName();
                JsonToken value = p.nextToken();
                if (value.isScalarValue() && !NEVER_READ.contains(column)) {
                    row.put(column, value == JsonToken.VALUE_NULL ? "" : p.getText());
                } else {
                    p.skipChildren();
                }
            }
            rows.accept(row);
        }
    }
}
