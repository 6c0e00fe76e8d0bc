package io.github.wschaos.internal;

import io.github.wschaos.fault.RespondWithStatus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** What the handshake faults do to a request or answer in its place. */
final class HandshakeFaults {

    private HandshakeFaults() {
    }

    /**
     * Rewrites {@code request} as nginx without upgrade configuration sends it upstream: {@code HTTP/1.0},
     * no {@code Upgrade}, {@code Keep-Alive} or {@code TE} (nginx's default {@code proxy_set_header} list empties
     * them), {@code Connection: close}, and {@code Host} set to the upstream ({@code $proxy_host}); those two first, then the
     * client's headers in their order, as nginx writes them.
     */
    static void stripUpgrade(HttpRequest request, Upstream upstream) {
        request.setProtocolVersion(HttpVersion.HTTP_1_0);
        HttpHeaders client = request.headers().copy()
                .remove(HttpHeaderNames.HOST)
                .remove(HttpHeaderNames.CONNECTION)
                .remove(HttpHeaderNames.UPGRADE)
                .remove(HttpHeaderNames.KEEP_ALIVE)
                .remove(HttpHeaderNames.TE);
        // In nginx's order, its own two first, named as nginx writes them (Netty's constants are lower case).
        request.headers().clear()
                .set("Host", upstream.port() == (upstream.tls() ? 443 : 80) ? upstream.host() : upstream.authority())
                .set("Connection", HttpHeaderValues.CLOSE)
                .add(client);
    }

    /** The answer of {@code RespondWithStatus}: its body, or nginx's page for the status when the body is empty. */
    static FullHttpResponse response(ByteBufAllocator allocator, RespondWithStatus fault) {
        HttpResponseStatus status = HttpResponseStatus.valueOf(fault.status());
        FullHttpResponse response;
        if (status.code() == 204 || status.code() == 304) { // no body, and so no Content-Length either
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, allocator.buffer(0));
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (fault.body().isEmpty()) {
            response = ErrorPages.response(allocator, status);
        } else {
            response = text(allocator, status, fault.body());
        }
        for (Map.Entry<String, String> header : fault.headers().entrySet()) {
            response.headers().set(header.getKey(), header.getValue());
        }
        return response;
    }

    /** A rejected origin, answered as Node's {@code ws} does: the status and its reason phrase as the body. */
    static FullHttpResponse rejection(ByteBufAllocator allocator, int statusCode) {
        HttpResponseStatus status = HttpResponseStatus.valueOf(statusCode);
        return text(allocator, status, status.reasonPhrase());
    }

    private static FullHttpResponse text(ByteBufAllocator allocator, HttpResponseStatus status, String text) {
        ByteBuf body = allocator.buffer();
        body.writeCharSequence(text, StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/html")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return response;
    }
}
