package dev.billing.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report download as it is inferred to come: the reply's scalar fields, then its transactions, streamed. */
class ApsReportDownloadTest {

    private List<Map<String, String>> rows = new ArrayList<>();

    private Map<String, String> read(String json) throws IOException {
        rows = new ArrayList<>();
        return ApsReportDownload.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), rows::add);
    }

    @Test
    void theRepliesFieldsAndItsTransactionsAreReadAndACardNumberNever() throws IOException {
        Map<String, String> reply = read("""
                {"query_command":"DOWNLOAD_REPORT","response_code":"56000","status":"56","signature":"abc",
                 "transactions":[
                   {"merchant_reference":"CH-O-1-1","operation":"PURCHASE","amount":"1250","currency":"AED","status":"14",
                    "card_number":"4005550000000001","expiry_date":"2905"},
                   {"merchant_reference":"CH-O-1-1","operation":"REFUND","amount":1250,"currency":"AED","status":"06","fort_id":null}
                 ],
                 "nested":{"ignored":"yes"}}""");

        assertThat(reply).containsEntry("response_code", "56000").containsEntry("signature", "abc").doesNotContainKey("nested")
                .doesNotContainKey("transactions");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0)).containsEntry("operation", "PURCHASE").containsEntry("amount", "1250")
                .doesNotContainKeys("card_number", "expiry_date");
        assertThat(rows.get(1)).containsEntry("amount", "1250").containsEntry("fort_id", "");
    }

    @Test
    void anArrayAloneIsTheTransactions() throws IOException {
        assertThat(read("[{\"merchant_reference\":\"A\"},{\"merchant_reference\":\"B\"}]")).isEmpty();
        assertThat(rows).extracting(r -> r.get("merchant_reference")).containsExactly("A", "B");
    }

    @Test
    void somethingElseIsRefusedInWords() {
        assertThatThrownBy(() -> read("\"oops\"")).isInstanceOf(IOException.class).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> read("{\"transactions\":[1,2]}")).isInstanceOf(IOException.class)
                .hasMessageContaining("a transaction of the report download is not a JSON object");
    }
}
