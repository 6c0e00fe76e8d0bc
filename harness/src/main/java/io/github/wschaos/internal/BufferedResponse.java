package io.github.wschaos.internal;

import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.Map;

/**
 * One answer to a request that went upstream without its upgrade headers, passed on as nginx without the upgrade
 * configuration does: its request goes upstream as {@code HTTP/1.0}, and nginx's default {@code proxy_buffering}
 * holds the answer in 4 KiB buffers. Nothing reaches the client, not even the status line, until the first buffer
 * is full: it holds the upstream's head and the start of the body, so its body part is 4 KiB less the head's length
 * (taken as the head written in the usual form: the status line and {@code Name: value} lines). The body then leaves
 * in whole 4 KiB pieces, and the rest when the answer ends. A streamed answer with less than that (server-sent
 * events, SockJS's {@code xhr_streaming} prelude and heartbeats, a long poll's first bytes) reaches the client only
 * at its end. Measured with nginx 1.22.1 and a 64-byte upstream head: 1,000 bytes a second arrive as 4,032 after
 * 4 s, the rest at the end; 10,000 bytes at once leave as 8,128.
 */
final class BufferedResponse {

    /** nginx's {@code proxy_buffer_size} and {@code proxy_buffers} size on a 4 KiB page machine. */
    static final int PIECE = 4096;

    private final Channel client;
    private final Runnable headWritten;
    private final CompositeByteBuf body;
    private HttpResponse head;
    /** How much body the next piece takes: the first buffer's room after the upstream's head, then a whole buffer. */
    private int piece;

    /** @param headWritten told when the head is written to the client (the answer as the client sees it starts) */
    BufferedResponse(Channel client, HttpResponse head, Runnable headWritten) {
        this.client = client;
        this.head = head;
        this.headWritten = headWritten;
        this.body = client.alloc().compositeBuffer(Integer.MAX_VALUE);
        this.piece = Math.max(1, PIECE - headLength(head));
    }

    /** The length of {@code head} as an upstream usually writes it. */
    private static int headLength(HttpResponse head) {
        int length = head.protocolVersion().text().length() + 1 + head.status().toString().length() + 2;
        for (Map.Entry<String, String> header : head.headers()) {
            length += header.getKey().length() + 2 + header.getValue().length() + 2;
        }
        return length + 2;
    }

    /**
     * Takes the next part of the answer and writes to the client what nginx would have passed on by now.
     *
     * @return true once the answer has ended (its last part taken and written)
     */
    boolean relay(HttpObject part) {
        if (part instanceof HttpContent content) {
            body.addComponent(true, content.content());
        }
        while (body.readableBytes() >= piece) {
            writeHead();
            client.write(new DefaultHttpContent(body.readBytes(piece)), client.voidPromise());
            body.discardReadComponents();
            piece = PIECE;
        }
        if (!(part instanceof LastHttpContent last)) {
            return false;
        }
        writeHead();
        if (body.isReadable()) {
            client.write(new DefaultHttpContent(body.readBytes(body.readableBytes())), client.voidPromise());
        }
        client.write(last.trailingHeaders().isEmpty() ? LastHttpContent.EMPTY_LAST_CONTENT
                : last.replace(Unpooled.EMPTY_BUFFER), client.voidPromise());
        discard();
        return true;
    }

    /** Lets go of what is held (the answer ended, or the connection did). */
    void discard() {
        if (body.refCnt() > 0) {
            body.release();
        }
    }

    private void writeHead() {
        if (head != null) {
            client.write(head, client.voidPromise());
            head = null;
            headWritten.run();
        }
    }
}
