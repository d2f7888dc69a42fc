package dev.billing.notifications;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /aps/notifications}: APS's Direct Transaction Feedback and Notification URLs, server to server. 200 once
 * stored (or when stored before); 400 for a bad signature or a malformed body, 413 over 64 KB, 415 for another content
 * type; nothing is stored then. Replies are short plain text and never echo the body.
 */
@RestController
class NotificationController {

    static final String PATH = "/aps/notifications";

    private final NotificationService service;

    NotificationController(NotificationService service) {
        this.service = service;
    }

    @PostMapping(path = PATH)
    ResponseEntity<String> receive(HttpServletRequest request) throws IOException {
        if (request.getContentLengthLong() > NotificationParser.MAX_BYTES) {
            return reply(413, "refused: the body is over " + NotificationParser.MAX_BYTES + " bytes");
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes(NotificationParser.MAX_BYTES + 1);
        }
        Map<String, String> fields;
        try {
            fields = NotificationParser.parse(request.getContentType(), body);
        } catch (NotificationParser.Refused e) {
            return reply(e.status(), "refused: " + e.getMessage());
        }
        try {
            return reply(200, service.receive(fields, request.getRemoteAddr(), body.length).name());
        } catch (NotificationService.BadSignature e) {
            return reply(400, "refused: " + e.getMessage());
        }
    }

    private static ResponseEntity<String> reply(int status, String text) {
        return ResponseEntity.status(status).contentType(MediaType.TEXT_PLAIN).body(text + "\n");
    }
}
