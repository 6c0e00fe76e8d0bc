package io.github.wschaos.internal;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * Request targets as a reverse proxy passes them on (RFC 9112, section 3.2): a target in absolute form
 * ({@code GET http://host/path}), which clients send to a proxy, reaches the upstream in origin form
 * ({@code GET /path}) with {@code Host} taken from the target, as nginx does. A path with a broken percent-escape
 * is refused, as nginx refuses it.
 */
final class RequestTargets {

    private RequestTargets() {
    }

    /**
     * Rewrites an absolute-form target of {@code request} into origin form and sets {@code Host} to its authority
     * (a proxy must ignore a {@code Host} header sent with an absolute-form target, RFC 9112 section 3.2.2). Other
     * targets ({@code /path}, {@code *}, authority form) are left as they are.
     */
    static void toOriginForm(HttpRequest request) {
        String target = request.uri();
        int scheme = target.indexOf("://");
        if (target.startsWith("/") || scheme <= 0 || !isScheme(target, scheme)) {
            return;
        }
        int authorityStart = scheme + 3;
        int authorityEnd = authorityStart;
        while (authorityEnd < target.length() && "/?#".indexOf(target.charAt(authorityEnd)) < 0) {
            authorityEnd++;
        }
        String authority = target.substring(authorityStart, authorityEnd);
        authority = authority.substring(authority.lastIndexOf('@') + 1); // without user information
        String rest = target.substring(authorityEnd);
        int fragment = rest.indexOf('#');
        if (fragment >= 0) {
            rest = rest.substring(0, fragment);
        }
        request.setUri(rest.startsWith("/") ? rest : "/" + rest);
        if (!authority.isEmpty()) {
            request.headers().set(hostName(request), authority);
        }
    }

    /**
     * The target's path, percent-decoded, as fault targets and the record see it.
     *
     * @throws IllegalArgumentException naming the target if its path has a {@code %} not followed by two hex digits, or
     *     one that decodes to NUL: nginx answers such a request {@code 400 Bad Request} (measured with nginx 1.22.1;
     *     a query string is not decoded, by nginx nor here)
     */
    static String decodedPath(String target) {
        String path;
        try {
            path = new QueryStringDecoder(target).path();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the request target '" + target + "' has a broken percent-escape in its"
                    + " path (" + e.getMessage() + "); a % must be followed by two hex digits", e);
        }
        if (path.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("the request target '" + target + "' has %00 (NUL) in its path");
        }
        return path;
    }

    /** The name of the request's {@code Host} header as the client wrote it, {@code Host} if it sent none. */
    private static String hostName(HttpRequest request) {
        for (String name : request.headers().names()) {
            if (HttpHeaderNames.HOST.contentEqualsIgnoreCase(name)) {
                return name;
            }
        }
        return "Host";
    }

    /** Whether {@code target} starts with a URI scheme ending at {@code end}: a letter, then letters, digits, + - . */
    private static boolean isScheme(String target, int end) {
        if (!Character.isLetter(target.charAt(0))) {
            return false;
        }
        for (int i = 1; i < end; i++) {
            char c = target.charAt(i);
            if (!Character.isLetterOrDigit(c) && c != '+' && c != '-' && c != '.') {
                return false;
            }
        }
        return true;
    }
}
