import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.FilterConfig;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * What stands in front of Artemis' Jolokia: HTTP basic authentication (401 without valid credentials), then the
 * Origin check of jolokia-access.xml's CORS strict checking (403 unless the Origin is one of the allowed ones; the
 * default allows *://localhost*, here loopback by name or address). Counts the requests that reach the agent.
 */
public final class GateFilter implements Filter {
    private static final Pattern ALLOWED_ORIGIN = Pattern.compile("^https?://(localhost|127\\.0\\.0\\.1)(:[0-9]+)?$");

    private final String expectedAuthorization;
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();
    volatile String lastOrigin = "";

    public GateFilter(String user, String password) {
        expectedAuthorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void init(FilterConfig config) {
    }

    @Override
    public void destroy() {
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        HttpServletResponse reply = (HttpServletResponse) response;
        if (!expectedAuthorization.equals(http.getHeader("Authorization"))) {
            refused.incrementAndGet();
            reply.setHeader("WWW-Authenticate", "Basic realm=\"activemq\"");
            reply.sendError(401);
            return;
        }
        String origin = http.getHeader("Origin");
        lastOrigin = origin == null ? "" : origin;
        if (origin == null || !ALLOWED_ORIGIN.matcher(origin).matches()) {
            refused.incrementAndGet();
            reply.sendError(403, "Origin " + origin + " is not allowed to call this agent");
            return;
        }
        requests.incrementAndGet();
        chain.doFilter(request, response);
    }
}
