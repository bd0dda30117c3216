import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.FilterConfig;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * What stands in front of Artemis' Jolokia: HTTP basic authentication, answered 401 without valid credentials as the
 * broker's web server does. The Origin check is the agent's own (jolokia-access.xml). Counts the requests that pass,
 * and keeps the last Origin header received.
 */
public final class GateFilter implements Filter {

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
        requests.incrementAndGet();
        chain.doFilter(request, response);
    }
}
