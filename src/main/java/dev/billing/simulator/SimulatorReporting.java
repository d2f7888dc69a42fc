package dev.billing.simulator;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpExchange;
import dev.billing.gateway.ApsJson;
import dev.billing.gateway.ApsReporting;
import dev.billing.gateway.ApsSignature;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulator's Reporting API ({@code POST /FortAPI/reportingApi}), served from its own records: GENERATE_REPORT
 * answers {@code 56000} for a well-signed request of a window, and DOWNLOAD_REPORT (with the same merchant
 * reference) streams the window's transactions (what it charged, refunded, voided), at most
 * {@link ApsReporting#MAX_ROWS}, in the shape {@link dev.billing.gateway.ApsReportDownload} reads: the signed reply's
 * fields, then a {@code transactions} array. Never a card number: it keeps none.
 */
final class SimulatorReporting {

    private static final JsonFactory FACTORY = new JsonFactory();

    private final SimulatorStore store;
    private final String accessCode;
    private final String merchantIdentifier;
    private final String requestPhrase;
    private final String responsePhrase;
    private final ApsSignature signature;
    private final int maxRows;

    SimulatorReporting(SimulatorStore store, String accessCode, String merchantIdentifier, String requestPhrase, String responsePhrase,
                       ApsSignature signature, int maxRows) {
        this.maxRows = maxRows;
        this.store = store;
        this.accessCode = accessCode;
        this.merchantIdentifier = merchantIdentifier;
        this.requestPhrase = requestPhrase;
        this.responsePhrase = responsePhrase;
        this.signature = signature;
    }

    void handle(HttpExchange exchange) {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            Map<String, Object> request;
            try {
                request = ApsJson.read(exchange.getRequestBody().readNBytes(64 * 1024));
            } catch (IllegalArgumentException e) {
                reply(exchange, Map.of("response_code", "00002", "response_message", "Invalid request format", "status", "00"), null);
                return;
            }
            Map<String, String> answer = new LinkedHashMap<>();
            for (String echoed : List.of("query_command", "access_code", "merchant_identifier", "merchant_reference", "from_date", "to_date",
                    "response_format", "language")) {
                if (request.get(echoed) instanceof String value) {
                    answer.put(echoed, value);
                }
            }
            String problem = problem(request);
            if (problem != null) {
                answer.put("response_code", "00" + problem.substring(0, 3));
                answer.put("response_message", problem.substring(4));
                answer.put("status", "00");
                reply(exchange, answer, null);
                return;
            }
            answer.put("response_code", "56000");
            answer.put("response_message", "Success");
            answer.put("status", "56");
            if (ApsReporting.GENERATE.equals(request.get("query_command"))) {
                reply(exchange, answer, null);
                return;
            }
            OffsetDateTime from = OffsetDateTime.parse((String) request.get("from_date"));
            OffsetDateTime to = OffsetDateTime.parse((String) request.get("to_date"));
            reply(exchange, answer, out -> store.forEachTransaction(merchantIdentifier, from.toInstant(), to.toInstant(), maxRows,
                    row -> {
                        try {
                            out.writeStartObject();
                            for (Map.Entry<String, String> e : row.entrySet()) {
                                out.writeStringField(e.getKey(), e.getValue());
                            }
                            out.writeEndObject();
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }));
        } catch (IOException | RuntimeException e) {
            // the client went away, or the store failed: the connection is closed without a complete body
        }
    }

    /** What is wrong with the request ("NNN message"), or null. */
    private String problem(Map<String, Object> request) {
        for (String required : List.of("query_command", "access_code", "merchant_identifier", "merchant_reference", "from_date", "to_date",
                "columns", "signature")) {
            if (request.get(required) == null) {
                return "001 Missing parameter " + required;
            }
        }
        if (!accessCode.equals(request.get("access_code")) || !merchantIdentifier.equals(request.get("merchant_identifier"))) {
            return "008 Invalid access code or merchant identifier";
        }
        if (!signature.verify(request, requestPhrase)) {
            return "008 Signature mismatch";
        }
        Object command = request.get("query_command");
        if (!ApsReporting.GENERATE.equals(command) && !ApsReporting.DOWNLOAD.equals(command)) {
            return "004 Invalid query command";
        }
        if (!(request.get("columns") instanceof List<?> columns) || columns.contains("card_number")) {
            return "002 Invalid columns";
        }
        try {
            if (!OffsetDateTime.parse((String) request.get("from_date")).isBefore(OffsetDateTime.parse((String) request.get("to_date")))) {
                return "002 from_date is not before to_date";
            }
        } catch (DateTimeParseException | ClassCastException e) {
            return "002 Invalid date format";
        }
        return null;
    }

    @FunctionalInterface
    private interface Rows {
        void write(JsonGenerator out) throws IOException;
    }

    private void reply(HttpExchange exchange, Map<String, String> answer, Rows rows) throws IOException {
        Map<String, String> signed = new LinkedHashMap<>(answer);
        signed.put("signature", signature.sign(answer, responsePhrase));
        exchange.getResponseHeaders().set("Content-Type", "application/json;charset=UTF-8");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream body = exchange.getResponseBody(); JsonGenerator out = FACTORY.createGenerator(body, JsonEncoding.UTF8)) {
            out.writeStartObject();
            for (Map.Entry<String, String> e : signed.entrySet()) {
                out.writeStringField(e.getKey(), e.getValue());
            }
            if (rows != null) {
                out.writeArrayFieldStart("transactions");
                rows.write(out);
                out.writeEndArray();
            }
            out.writeEndObject();
        }
    }
}
