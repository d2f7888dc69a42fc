package dev.billing.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * APS's Reporting API ({@code .../FortAPI/reportingApi}): a transaction report of a time window, asked for with
 * {@code query_command=GENERATE_REPORT} (success {@code 56000}, status {@code 56}) and then downloaded with the same
 * {@code merchant_reference} ({@code DOWNLOAD_REPORT}; its reply is read by {@link ApsReportDownload}, the one class
 * that knows its shape). The {@code columns} and {@code filters} lists are signed as APS's SDKs sign lists
 * ({@code columns=[a, b]}, {@code filters=[{key=k, value=v}]}). A reply whose signature does not check, or whose code
 * is not a success, is refused with one line. A report holds at most {@link #MAX_ROWS} transactions: the caller asks
 * for smaller windows when one comes back full.
 */
public final class ApsReporting {

    public static final String PATH = "/FortAPI/reportingApi";
    public static final int MAX_ROWS = 200_000;
    /** What the engine asks for: what matching needs, never a card number. */
    public static final List<String> COLUMNS = List.of("merchant_reference", "fort_id", "operation", "amount", "currency", "status",
            "response_code", "transaction_date");
    public static final String GENERATE = "GENERATE_REPORT";
    public static final String DOWNLOAD = "DOWNLOAD_REPORT";
    public static final DateTimeFormatter DATE = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    /** A refused or unreadable report: one line, no phrase or access code in it. */
    public static final class ReportException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public ReportException(String message) {
            super(message);
        }
    }

    private final GatewayProperties settings;
    private final URI url;
    private final ApsSignature signature;
    private final HttpClient http;

    public ApsReporting(GatewayProperties settings, URI url) {
        this.settings = settings;
        this.url = url;
        this.signature = new ApsSignature(SignatureType.parse(settings.signatureType()));
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(settings.connectTimeout()).build();
    }

    public URI url() {
        return url;
    }

    /** The signed request of {@code command} for the window {@code [from, to)}. */
    Map<String, Object> request(String command, String merchantReference, OffsetDateTime from, OffsetDateTime to) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("query_command", command);
        fields.put("access_code", settings.accessCode());
        fields.put("merchant_identifier", settings.merchantIdentifier());
        fields.put("merchant_reference", merchantReference);
        fields.put("from_date", DATE.format(from));
        fields.put("to_date", DATE.format(to));
        fields.put("columns", COLUMNS);
        fields.put("response_format", "JSON");
        fields.put("language", settings.language());
        fields.put("signature", signature.sign(fields, settings.requestPhrase()));
        return fields;
    }

    /**
     * Generates and downloads the report of {@code [from, to)}, streaming each transaction to {@code rows}; returns how
     * many there were.
     */
    public long fetch(String merchantReference, OffsetDateTime from, OffsetDateTime to, ApsReportDownload.Rows rows) {
        Map<String, String> generated = post(request(GENERATE, merchantReference, from, to), body -> ApsReportDownload.read(body, row -> {
            throw new ReportException("the gateway answered GENERATE_REPORT with transactions; it was expected to answer with a code");
        }));
        check(GENERATE, generated, "56");
        long[] count = {0};
        Map<String, String> downloaded = post(request(DOWNLOAD, merchantReference, from, to), body -> ApsReportDownload.read(body, row -> {
            count[0]++;
            rows.accept(row);
        }));
        if (!downloaded.isEmpty()) {
            check(DOWNLOAD, downloaded, null);
        }
        return count[0];
    }

    private void check(String command, Map<String, String> reply, String status) {
        if (!signature.verify(reply, settings.responsePhrase())) {
            throw new ReportException("the gateway's " + command + " reply is not signed with the response phrase; check"
                    + " billing.gateway.response-phrase (and the signature type)");
        }
        String code = reply.getOrDefault("response_code", "");
        if (!code.endsWith("000") || (status != null && !code.startsWith(status))) {
            throw new ReportException("the gateway refused " + command + ": " + code + " " + reply.getOrDefault("response_message", ""));
        }
    }

    @FunctionalInterface
    private interface Body {
        Map<String, String> read(InputStream body) throws IOException;
    }

    private Map<String, String> post(Map<String, Object> fields, Body reader) {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(settings.timeout().plus(Duration.ofMinutes(5)))
                .header("Content-Type", "application/json;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(ApsJson.write(fields))).build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() / 100 != 2) {
                    throw new ReportException("the gateway's reporting API answered HTTP " + response.statusCode() + " to " + fields.get("query_command"));
                }
                return reader.read(body);
            }
        } catch (IOException e) {
            throw new ReportException("the gateway's reporting API at " + url.getHost() + " could not be read: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReportException("interrupted while fetching the gateway's report");
        }
    }
}
