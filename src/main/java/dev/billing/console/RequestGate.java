package dev.billing.console;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The door every request with a body passes before anything reads that body (in the security chain, after the session's
 * user is known, before CSRF and sign-in read their fields):
 * <ul>
 *   <li>the user's role is checked first, with the same rules as the rest of the chain ({@link ConsoleSecurity#access}):
 *       a request that will be refused is refused before one byte of its body is read;</li>
 *   <li>bodies are capped: small for the anonymous doors (sign-in, APS's notifications and return), larger for a
 *       signed-in user's forms; a signed-in user's upload streams within the multipart limits;</li>
 *   <li>a body that has not arrived yet is waited for without holding a server thread (the servlet API's non-blocking
 *       read), within {@code deadline}; the request then resumes with the body in memory ({@link BufferedRequest}), so
 *       that clients that send slowly, or stop, cannot take the threads that health and sign-in need;</li>
 *   <li>a query string or form that is not UTF-8, or holds a control character, is a {@code 400}.</li>
 * </ul>
 * Each refusal closes the connection and is one log line and, for the anonymous, one counted audit row per source and
 * minute ({@link Refusals}).
 */
final class RequestGate implements Filter {

    /** The body read so far, between the first pass and the resumed one. */
    static final String BODY = RequestGate.class.getName() + ".BODY";
    /** APS's notifications: a few hundred bytes each (the documented 64 KB limit). */
    static final int NOTIFICATION_CAP = 64 * 1024;
    /** Sign-in, APS's return and any other anonymous body. */
    static final int ANONYMOUS_CAP = 16 * 1024;
    /** A signed-in user's form (the console's forms are a few fields). */
    static final int SIGNED_IN_CAP = 64 * 1024;

    private final AuthorizationManager<HttpServletRequest> access;
    private final Refusals refusals;
    private final Duration deadline;

    RequestGate(AuthorizationManager<HttpServletRequest> access, Refusals refusals, Duration deadline) {
        this.access = access;
        this.refusals = refusals;
        this.deadline = deadline;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        if (request.getAttribute(BODY) instanceof byte[] body && request.getDispatcherType() == DispatcherType.ASYNC) {
            request.removeAttribute(BODY);
            resume(request, response, chain, body);
            return;
        }
        if (request.getDispatcherType() != DispatcherType.REQUEST) {
            chain.doFilter(request, response);
            return;
        }
        try {
            FormBody.of(request.getQueryString(), null);
        } catch (FormBody.Malformed e) {
            refuse(request, response, SecurityContextHolder.getContext().getAuthentication(), 400,
                    "the address " + e.getMessage().replace("the text ", ""));
            return;
        }
        if (!hasBody(request)) {
            proceed(request, response, chain);
            return;
        }
        Authentication who = SecurityContextHolder.getContext().getAuthentication();
        boolean signedIn = who != null && who.isAuthenticated() && !(who instanceof AnonymousAuthenticationToken);
        AuthorizationResult allowed = access.authorize(() -> who, request);
        if (allowed == null || !allowed.isGranted()) {
            refuseUnread(request, response, who, 403, signedIn ? "the user's role may not do this" : "sign in first");
            return;
        }
        boolean multipart = contentType(request).startsWith("multipart/");
        if (multipart && signedIn) {
            proceed(request, response, chain); // an upload streams, within the multipart limits
            return;
        }
        if (multipart) {
            refuseUnread(request, response, who, 415, "no upload is taken without a signed-in user");
            return;
        }
        int cap = signedIn ? SIGNED_IN_CAP : request.getRequestURI().equals("/aps/notifications") ? NOTIFICATION_CAP : ANONYMOUS_CAP;
        if (request.getContentLengthLong() > cap) {
            refuseUnread(request, response, who, 413, "the body is over " + cap + " bytes");
            return;
        }
        ServletInputStream in = request.getInputStream();
        long length = request.getContentLengthLong();
        if (length >= 0 && in.available() >= length) {
            // the whole body is here already (read without blocking): nothing to wait for
            resume(request, response, chain, in.readNBytes((int) length));
            return;
        }
        AsyncContext async = request.startAsync();
        async.setTimeout(deadline.toMillis());
        async.addListener(new Deadline(who));
        in.setReadListener(new BodyReader(who, async, in, cap));
    }

    /** Goes on with the body in memory; a form that cannot be read is a {@code 400}. */
    private void resume(HttpServletRequest request, HttpServletResponse response, FilterChain chain, byte[] body)
            throws IOException, ServletException {
        BufferedRequest buffered;
        try {
            buffered = new BufferedRequest(request, body);
        } catch (FormBody.Malformed e) {
            refuse(request, response, SecurityContextHolder.getContext().getAuthentication(), 400,
                    "the form " + e.getMessage().replace("the text ", ""));
            return;
        }
        proceed(buffered, response, chain);
    }

    /**
     * Goes on down the chain; a field found malformed on the way (a CSRF token that is not UTF-8, say) is a {@code 400}
     * instead of a server error.
     */
    private void proceed(HttpServletRequest request, HttpServletResponse response, FilterChain chain) throws IOException, ServletException {
        try {
            chain.doFilter(request, response);
        } catch (FormBody.Malformed e) {
            refuse(request, response, SecurityContextHolder.getContext().getAuthentication(), 400, e.getMessage());
        }
    }

    private static boolean hasBody(HttpServletRequest request) {
        return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
    }

    private static String contentType(HttpServletRequest request) {
        return request.getContentType() == null ? "" : request.getContentType().toLowerCase(Locale.ROOT);
    }

    /**
     * {@link #refuse}s a request whose body was not read, ending it as an asynchronous request: the container then closes
     * the connection at once instead of draining the unread body on this thread (which, for a client that sends no
     * more, would hold the thread until the connection times out).
     */
    private void refuseUnread(HttpServletRequest request, HttpServletResponse response, Authentication who, int status, String why) {
        AsyncContext async = request.isAsyncSupported() && !request.isAsyncStarted() ? request.startAsync() : null;
        refuse(request, response, who, status, why);
        if (async != null) {
            async.complete();
        }
    }

    /** Answers {@code status} with one short line, closes the connection, and logs and audits the refusal of {@code who}. */
    private void refuse(HttpServletRequest request, HttpServletResponse response, Authentication who, int status, String why) {
        refusals.refused(request, who, status, why);
        write(response, status, why);
    }

    private static void write(HttpServletResponse response, int status, String why) {
        if (response.isCommitted()) {
            return;
        }
        try {
            response.resetBuffer();
            response.setStatus(status);
            response.setHeader("Connection", "close");
            response.setContentType("text/plain;charset=UTF-8");
            response.getOutputStream().write(("refused: " + why + "\n").getBytes(StandardCharsets.UTF_8));
            response.flushBuffer();
        } catch (IOException | IllegalStateException e) {
            // the client is gone: nothing to answer
        }
    }

    /** Reads the body as it arrives, on whatever thread the container calls with data; then resumes the request. */
    private final class BodyReader implements ReadListener {

        private final Authentication who;
        private final AsyncContext async;
        private final ServletInputStream in;
        private final int cap;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private final byte[] chunk = new byte[8192];

        BodyReader(Authentication who, AsyncContext async, ServletInputStream in, int cap) {
            this.who = who;
            this.async = async;
            this.in = in;
            this.cap = cap;
        }

        @Override
        public void onDataAvailable() throws IOException {
            while (in.isReady()) {
                int n = in.read(chunk);
                if (n < 0) {
                    return;
                }
                if (body.size() + n > cap) {
                    refuse((HttpServletRequest) async.getRequest(), (HttpServletResponse) async.getResponse(), who, 413,
                            "the body is over " + cap + " bytes");
                    async.complete();
                    return;
                }
                body.write(chunk, 0, n);
            }
        }

        @Override
        public void onAllDataRead() {
            async.getRequest().setAttribute(BODY, body.toByteArray());
            async.dispatch();
        }

        @Override
        public void onError(Throwable failure) {
            refuse((HttpServletRequest) async.getRequest(), (HttpServletResponse) async.getResponse(), who, 408,
                    "the body stopped arriving (" + failure.getClass().getSimpleName() + ")");
            async.complete();
        }
    }

    /** The body did not arrive within the deadline: {@code 408}, and the connection is closed. */
    private final class Deadline implements AsyncListener {

        private final Authentication who;

        Deadline(Authentication who) {
            this.who = who;
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            AsyncContext async = event.getAsyncContext();
            refuse((HttpServletRequest) async.getRequest(), (HttpServletResponse) async.getResponse(), who, 408,
                    "the body did not arrive within " + deadline.toSeconds() + " s");
            event.getAsyncContext().complete();
        }

        @Override
        public void onComplete(AsyncEvent event) {
        }

        @Override
        public void onError(AsyncEvent event) {
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }
    }
}
