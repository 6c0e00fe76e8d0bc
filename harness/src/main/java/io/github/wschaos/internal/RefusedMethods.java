package io.github.wschaos.internal;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The methods nginx answers itself and never passes to its upstream (measured with nginx 1.22.1, which logs "client
 * sent CONNECT method" and "client sent TRACE method"): {@code CONNECT}, a forward proxy's tunnel request (a client
 * whose {@code HTTPS_PROXY} points at the proxy sends it), and {@code TRACE}. Both get {@code 405 Not Allowed}; a
 * {@code CONNECT} to {@code host:port}, the form a forward proxy gets, is a request line nginx cannot read and gets
 * {@code 400 Bad Request}.
 */
final class RefusedMethods {

    /** nginx's reason phrase for 405, not Netty's "Method Not Allowed". */
    private static final HttpResponseStatus NOT_ALLOWED = new HttpResponseStatus(405, "Not Allowed");

    private RefusedMethods() {
    }

    /** The status nginx answers {@code request} with itself, or null if it passes the request on. */
    static HttpResponseStatus refusal(HttpRequest request) {
        HttpMethod method = request.method();
        if (method.equals(HttpMethod.TRACE)) {
            return NOT_ALLOWED;
        }
        if (method.equals(HttpMethod.CONNECT)) {
            return isAuthorityForm(request.uri()) ? HttpResponseStatus.BAD_REQUEST : NOT_ALLOWED;
        }
        return null;
    }

    /** {@code host:port}: neither a path nor an absolute URI with a scheme. */
    private static boolean isAuthorityForm(String target) {
        return !target.startsWith("/") && !target.contains("://");
    }
}
