package dev.billing.enrolment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.EngineWithNotifications;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/** Without {@code billing.enrolment.secret}, the web side offers no enrolment, whatever link comes. */
@EngineWithNotifications
class EnrolmentOffFunctionalTests {

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void noSecretNoEnrolment() throws Exception {
        jdbc.execute("TRUNCATE enrolments");
        String query = new EnrolLinks.Link("C-1", "c1@example.com", "https://shop.example/", Instant.now().getEpochSecond() + 600)
                .query("any-secret-of-16-chars");
        HttpResponse<String> page = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/enrol?" + query)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(page.statusCode()).isEqualTo(404);
        assertThat(page.body()).contains("Card enrolment is not offered here.");
        assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM enrolments", Long.class)).isZero();
    }
}
