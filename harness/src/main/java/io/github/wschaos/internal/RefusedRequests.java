package io.github.wschaos.internal;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The requests nginx answers itself and never passes to its upstream (measured with nginx 1.22.1):
 * <ul>
 *   <li>the methods {@code CONNECT}, a forward proxy's tunnel request (a client whose {@code HTTPS_PROXY} points at the
 *       proxy sends it), and {@code TRACE}, which nginx logs as "client sent CONNECT method" and "client sent TRACE
 *       method". Both get {@code 405 Not Allowed}; a {@code CONNECT} to {@code host:port}, the form a forward proxy
 *       gets, is a request line nginx cannot read and gets {@code 400 Bad Request};</li>
 *   <li>an HTTP version from 2 on, {@code GET / HTTP/2.0} say: {@code 505 HTTP Version Not Supported}; and the HTTP/2
 *       connection preface, {@code PRI * HTTP/2.0}, which a client speaking HTTP/2 without an upgrade (gRPC, {@code curl
 *       --http2-prior-knowledge}) opens with: {@code 400 Bad Request}, at once. Relayed, the preface left the client
 *       waiting until the upstream gave up, which it may never do: the upstream got the preface's first line and waited
 *       for the rest, which the proxy could not read as HTTP/1.1 and held.</li>
 * </ul>
 */
final class RefusedRequests {

    private RefusedRequests() {
    }

    /** The status nginx answers {@code request} with itself, or null if it passes the request on. */
    static HttpResponseStatus refusal(HttpRequest request) {
        if (request.protocolVersion().majorVersion() >= 2) {
            // nginx refuses the target "*" of the preface before it looks at the version.
            return request.uri().equals("*") ? HttpResponseStatus.BAD_REQUEST
                    : HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED;
        }
        if (request.uri().equals("*")) {
            return HttpResponseStatus.BAD_REQUEST; // nginx takes no asterisk-form target: OPTIONS * is refused too
        }
        HttpMethod method = request.method();
        if (method.equals(HttpMethod.TRACE)) {
            return HttpResponseStatus.METHOD_NOT_ALLOWED; // worded as nginx's by ErrorPages
        }
        if (method.equals(HttpMethod.CONNECT)) {
            return isAuthorityForm(request.uri()) ? HttpResponseStatus.BAD_REQUEST : HttpResponseStatus.METHOD_NOT_ALLOWED;
        }
        return null;
    }

    /**
     * What the record adds to a refusal of {@code request} to say why a client sent it: for a {@code CONNECT} to
     * {@code host:port}, that the client takes the proxy for its HTTP forward proxy; else nothing.
     */
    static String hint(HttpRequest request) {
        return request.method().equals(HttpMethod.CONNECT) && isAuthorityForm(request.uri())
                ? " (a client set to use this proxy as its HTTP forward proxy sends it: HTTPS_PROXY, -Dhttps.proxyHost,"
                        + " HttpClient.Builder.proxy(...); connect to the proxy's URI directly instead)"
                : "";
    }

    /** {@code host:port}: neither a path nor an absolute URI with a scheme. */
    private static boolean isAuthorityForm(String target) {
        return !target.startsWith("/") && !target.contains("://");
    }
}
