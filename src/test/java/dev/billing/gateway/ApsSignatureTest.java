package dev.billing.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The published vectors of aps-protocol.md, and the properties a signature must have. */
class ApsSignatureTest {

    static Map<String, String> workedExampleRequest() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("command", "PURCHASE");
        p.put("access_code", "TestAccess0123456789");
        p.put("merchant_identifier", "MerchX01");
        p.put("merchant_reference", "SUB-1001-20250101");
        p.put("amount", "15000");
        p.put("currency", "AED");
        p.put("language", "en");
        p.put("customer_email", "jane.doe+billing@example.com");
        p.put("eci", "RECURRING");
        p.put("token_name", "tok_9f8e7d6c");
        p.put("order_description", "Monthly plan - Jan 2025");
        return p;
    }

    @Test
    void theCanonicalStringOfTheWorkedExample() {
        assertThat(ApsSignature.canonical(workedExampleRequest(), "reqPhrase$2025")).isEqualTo(
                "reqPhrase$2025access_code=TestAccess0123456789amount=15000command=PURCHASEcurrency=AED"
                + "customer_email=jane.doe+billing@example.comeci=RECURRINGlanguage=enmerchant_identifier=MerchX01"
                + "merchant_reference=SUB-1001-20250101order_description=Monthly plan - Jan 2025token_name=tok_9f8e7d6creqPhrase$2025");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "SHA-256,ac5401988a547b689dc0a8221c4b54bf081f66493157ea907cb0a097b9c5f44f",
        "SHA-512,bbf563dc48eeecbd7e6be67369395c420288283c908b1d5c9ef6bc3ddf0e1dd258f9d4fd852d37775db7de0cec57cabe789cdca3c9f2e6e30b6b450f353b21ee",
        "HMAC-SHA256,0a60602f3f10bd0ddccab1b3770d6616c0859332cef4f1e51e5ad2c32bcda718",
        "HMAC-SHA512,53783b7e152539aaad90cf7f10c8187654aec66b0ef5a3b77bdb8ee53c892a75d17ca32cd23ad98354ec7332c259c71d713d73e9a48aba0a66d152aae4b2284d"
    })
    void workedExampleRequestSignatures(String type, String expected) {
        assertThat(new ApsSignature(SignatureType.parse(type)).sign(workedExampleRequest(), "reqPhrase$2025")).isEqualTo(expected);
    }

    @Test
    void workedExampleResponseVerifiesOverAllReturnedKeys() {
        Map<String, Object> reply = new HashMap<>(workedExampleRequest());
        reply.put("fort_id", "169996200003451234");
        reply.put("response_code", "14000");
        reply.put("response_message", "Success");
        reply.put("status", "14");
        reply.put("payment_option", "VISA");
        reply.put("card_number", "400555******0001");
        reply.put("expiry_date", "2105");
        reply.put("authorization_code", "654321");
        ApsSignature sha256 = new ApsSignature(SignatureType.SHA_256);
        assertThat(sha256.sign(reply, "respPhrase#2025")).isEqualTo("bf7f3c43cc2347e5e1e615d69f0f2180c695ee19dade8659be1b2aabb3db5133");

        reply.put("signature", "BF7F3C43CC2347E5E1E615D69F0F2180C695EE19DADE8659BE1B2AABB3DB5133");
        assertThat(sha256.verify(reply, "respPhrase#2025")).as("upper-case hex is accepted").isTrue();
        assertThat(sha256.verify(reply, "reqPhrase$2025")).as("the request phrase does not verify a response").isFalse();
        reply.put("response_code", "14001");
        assertThat(sha256.verify(reply, "respPhrase#2025")).as("a changed field breaks it").isFalse();
    }

    @Test
    void utf8ArabicMessage() {
        Map<String, String> reply = Map.of("language", "ar", "response_message", "عملية ناجحة", "status", "14");
        assertThat(new ApsSignature(SignatureType.SHA_256).sign(reply, "respPhrase#2025"))
                .isEqualTo("affdcac6998dce46ea44ada59787d3c1ec8b7617549bb797a48ed3cd08bba862");
    }

    @Test
    void legacyDocumentationPurchaseVector() {
        Map<String, String> p = Map.of("command", "PURCHASE", "merchant_reference", "Test010", "amount", "1000",
                "access_code", "SILgpo7pWbmzuURp2qri", "merchant_identifier", "MxvOupuG", "currency", "USD",
                "language", "en", "customer_email", "test@gmail.com");
        assertThat(new ApsSignature(SignatureType.SHA_256).sign(p, "PASS"))
                .isEqualTo("94c38afc7bdae0114fc8c740edf12416f22998241ce4b4ea70d5521233a2c882");
    }

    @Test
    void legacyDocumentationReportingVectorSignsItsLists() {
        Map<String, Object> p = new java.util.LinkedHashMap<>();
        p.put("query_command", "GENERATE_REPORT");
        p.put("access_code", "zx0IPmPy5jp1vAz8Kpg7");
        p.put("merchant_identifier", "CycHZxVj");
        p.put("merchant_reference", "XYZ9239-yu898");
        p.put("from_date", "2017-08-03T00:00:01+03:00");
        p.put("to_date", "2017-08-03T23:59:59+03:00");
        p.put("response_format", "JSON");
        p.put("language", "en");
        p.put("columns", java.util.List.of("order_description", "customer_ip", "eci", "geolocation_ip", "merchant_reference",
                "card_holder_name", "currency", "amount", "payment_option", "fort_id", "customer_email", "customer_name"));
        p.put("filters", java.util.List.of(filter("currency", "USD"), filter("payment_option", "VISA")));
        assertThat(ApsSignature.canonical(p, "PASS")).contains("filters=[{key=currency, value=USD}, {key=payment_option, value=VISA}]")
                .contains("columns=[order_description, customer_ip, eci,");
        assertThat(new ApsSignature(SignatureType.SHA_256).sign(p, "PASS"))
                .isEqualTo("6750d396772be7df79347306324b1ad20320b31522583346e79b2ae8a5bc8970");
    }

    /** A filter as APS writes it: key, then value (an object's keys keep their given order, as a list's items do). */
    private static Map<String, String> filter(String key, String value) {
        Map<String, String> filter = new java.util.LinkedHashMap<>();
        filter.put("key", key);
        filter.put("value", value);
        return filter;
    }

    @Test
    void checkStatusVectorOfACommunityClient() {
        Map<String, String> p = Map.of("query_command", "CHECK_STATUS", "language", "en", "merchant_reference", "122333");
        assertThat(new ApsSignature(SignatureType.SHA_256).sign(p, "sha-request-phrase"))
                .isEqualTo("9eb08299a5f9cda485e4967a25d4c8ff7ecfc98ae8f6d23fcb12457ea709fb26");
    }

    @Test
    void keysSortInByteOrderNotLocaleOrder() {
        Map<String, String> p = Map.of("b", "1", "B", "2", "a_b", "3", "ab", "4");
        assertThat(ApsSignature.canonical(p, "P")).isEqualTo("PB=2a_b=3ab=4b=1P");
    }

    @Test
    void nestedValuesAndListsKeepTheirOrder() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("filters", List.of(Map.of("key", "currency"), Map.of("key", "payment_option")));
        p.put("columns", List.of("fort_id", "amount"));
        assertThat(ApsSignature.canonical(p, "P")).isEqualTo("Pcolumns=[fort_id, amount]filters=[{key=currency}, {key=payment_option}]P");
    }

    @Test
    void aMissingOrEmptySignatureNeverVerifies() {
        ApsSignature sha = new ApsSignature(SignatureType.SHA_256);
        assertThat(sha.verify(Map.of("status", "14"), "P")).isFalse();
        assertThat(sha.verify(Map.of("status", "14", "signature", ""), "P")).isFalse();
    }
}
