package io.github.wschaos.internal;

import io.github.wschaos.record.Outcome;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Map;

/**
 * The answers the proxy writes itself, shaped like nginx's so that clients report what they would report
 * behind a real nginx: the same status line, the same headers in nginx's order ({@code Server}, {@code Date},
 * {@code Content-Type}, {@code Content-Length}, {@code Connection: close}), an HTML body of the same form.
 */
public final class ErrorPages {

    public static final String SERVER = "wschaos";

    /**
     * nginx's reason phrases where they are not Netty's (nginx 1.22, {@code ngx_http_status_lines}): the status line and
     * the page's heading name them, and a client's error message quotes the status line.
     */
    private static final Map<Integer, String> NGINX_PHRASES = Map.of(
            302, "Moved Temporarily",
            405, "Not Allowed",
            408, "Request Time-out",
            413, "Request Entity Too Large",
            414, "Request-URI Too Large",
            416, "Requested Range Not Satisfiable",
            503, "Service Temporarily Unavailable",
            504, "Gateway Time-out");

    private ErrorPages() {
    }

    /** A full response for {@code status}, with an optional extra line (nginx's second {@code <center>}). */
    public static FullHttpResponse response(ByteBufAllocator allocator, HttpResponseStatus status, String title, String detail) {
        status = asNginx(status);
        ByteBuf body = allocator.buffer();
        body.writeCharSequence(html(status, title, detail), StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers()
                .set(HttpHeaderNames.SERVER, SERVER)
                .set(HttpHeaderNames.DATE, DateFormatter.format(new Date()))
                .set(HttpHeaderNames.CONTENT_TYPE, "text/html")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return response;
    }

    /** A full response for {@code status} with nginx's plain body. */
    public static FullHttpResponse response(ByteBufAllocator allocator, HttpResponseStatus status) {
        return response(allocator, status, status.code() + " " + asNginx(status).reasonPhrase(), "");
    }

    /**
     * nginx's answer to a request head it cannot read: {@code 414} for a request line too long, {@code 400 Request
     * Header Or Cookie Too Large} for a header too long, {@code 400} for anything else.
     */
    static FullHttpResponse malformedRequest(ByteBufAllocator allocator, Throwable cause) {
        if (cause instanceof ClientHttpCodec.RefusedRequestLine refused) {
            return response(allocator, refused.status());
        }
        if (cause instanceof TooLongHttpLineException) {
            return response(allocator, HttpResponseStatus.REQUEST_URI_TOO_LONG);
        }
        if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
            return response(allocator, HttpResponseStatus.BAD_REQUEST, "400 Request Header Or Cookie Too Large",
                    "Request Header Or Cookie Too Large");
        }
        return response(allocator, HttpResponseStatus.BAD_REQUEST);
    }

    /** The same response as raw bytes, for places where no HTTP codec is in the pipeline. */
    public static ByteBuf raw(ByteBufAllocator allocator, HttpResponseStatus status, String title, String detail) {
        status = asNginx(status);
        String body = html(status, title, detail);
        String head = "HTTP/1.1 " + status.code() + " " + status.reasonPhrase() + "\r\n"
                + "Server: " + SERVER + "\r\n"
                + "Date: " + DateFormatter.format(new Date()) + "\r\n"
                + "Content-Type: text/html\r\n"
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n"
                + "Connection: close\r\n\r\n";
        ByteBuf buffer = allocator.buffer();
        buffer.writeCharSequence(head + body, StandardCharsets.UTF_8);
        return buffer;
    }

    /**
     * Answers the client at once with a raw page of {@code status} (no HTTP codec needed: before or instead of one),
     * records the rejection with {@code failure} and {@code closing}, and closes the connection once the page is written.
     */
    static void reject(ChannelHandlerContext ctx, LiveConnection connection, HttpResponseStatus status, String failure,
            String closing) {
        reject(ctx, connection, status, Outcome.REJECTED, failure, closing,
                status.code() + " " + asNginx(status).reasonPhrase(), "");
    }

    /**
     * {@link #reject(ChannelHandlerContext, LiveConnection, HttpResponseStatus, String, String)} for a request whose
     * line starts with {@code HEAD}: the head alone, its {@code Content-Length} the page's, as nginx answers it.
     */
    static void rejectHead(ChannelHandlerContext ctx, LiveConnection connection, HttpResponseStatus status, String failure,
            String closing) {
        connection.failure(failure);
        connection.responded(ctx.channel(), status.code(), Outcome.REJECTED);
        connection.closedByProxy(closing);
        ByteBuf page = raw(ctx.alloc(), status, status.code() + " " + asNginx(status).reasonPhrase(), "");
        int head = page.indexOf(page.readerIndex(), page.writerIndex(), (byte) '<');
        ctx.writeAndFlush(page.writerIndex(head)).addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * {@link #reject(ChannelHandlerContext, LiveConnection, HttpResponseStatus, String, String)} with the outcome the
     * client sees ({@link Outcome#TLS_FAILED} for a TLS client, which reads the page as a broken TLS record), and a
     * title and an extra line (nginx's second {@code <center>}) of the page's own.
     */
    static void reject(ChannelHandlerContext ctx, LiveConnection connection, HttpResponseStatus status, Outcome outcome,
            String failure, String closing, String title, String detail) {
        connection.failure(failure);
        connection.responded(ctx.channel(), status.code(), outcome);
        connection.closedByProxy(closing);
        ctx.writeAndFlush(raw(ctx.alloc(), status, title, detail)).addListener(ChannelFutureListener.CLOSE);
    }

    /** {@code status} with nginx's reason phrase where nginx words it otherwise than Netty. */
    static HttpResponseStatus asNginx(HttpResponseStatus status) {
        String phrase = NGINX_PHRASES.get(status.code());
        return phrase == null || phrase.equals(status.reasonPhrase()) ? status : new HttpResponseStatus(status.code(), phrase);
    }

    private static String html(HttpResponseStatus status, String title, String detail) {
        return "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n"
                + "<center><h1>" + status.code() + " " + status.reasonPhrase() + "</h1></center>\r\n"
                + (detail.isEmpty() ? "" : "<center>" + detail + "</center>\r\n")
                + "<hr><center>" + SERVER + "</center>\r\n</body>\r\n</html>\r\n";
    }
}
