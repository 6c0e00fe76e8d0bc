package io.github.wschaos.testing;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * One WebSocket frame as an application sends or receives it: its kind, its FIN bit and its payload
 * (uncompressed). Two frames are equal when all three are; the payload is compared byte for byte.
 */
public final class WsFrame {

    /** The frame's opcode, as a kind. */
    public enum Kind {
        /** First (or only) frame of a text message. */
        TEXT,
        /** First (or only) frame of a binary message. */
        BINARY,
        /** A later fragment of a message. */
        CONTINUATION,
        /** A ping. */
        PING,
        /** A pong. */
        PONG,
        /** A close frame. */
        CLOSE
    }

    private final Kind kind;
    private final boolean fin;
    private final byte[] payload;

    /** A frame of {@code kind}; the payload array is kept, not copied. */
    public WsFrame(Kind kind, boolean fin, byte[] payload) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.fin = fin;
        this.payload = Objects.requireNonNull(payload, "payload");
    }

    /** A copy of a received Netty frame (the Netty frame is not released). */
    public static WsFrame of(WebSocketFrame frame) {
        Kind kind;
        if (frame instanceof TextWebSocketFrame) {
            kind = Kind.TEXT;
        } else if (frame instanceof BinaryWebSocketFrame) {
            kind = Kind.BINARY;
        } else if (frame instanceof ContinuationWebSocketFrame) {
            kind = Kind.CONTINUATION;
        } else if (frame instanceof PingWebSocketFrame) {
            kind = Kind.PING;
        } else if (frame instanceof PongWebSocketFrame) {
            kind = Kind.PONG;
        } else if (frame instanceof CloseWebSocketFrame) {
            kind = Kind.CLOSE;
        } else {
            throw new IllegalArgumentException("unknown frame " + frame);
        }
        return new WsFrame(kind, frame.isFinalFragment(), ByteBufUtil.getBytes(frame.content()));
    }

    /** A new Netty frame with a copy of this payload, ready to write. */
    public WebSocketFrame toNetty() {
        var content = Unpooled.copiedBuffer(payload);
        return switch (kind) {
            case TEXT -> new TextWebSocketFrame(fin, 0, content);
            case BINARY -> new BinaryWebSocketFrame(fin, 0, content);
            case CONTINUATION -> new ContinuationWebSocketFrame(fin, 0, content);
            case PING -> new PingWebSocketFrame(content);
            case PONG -> new PongWebSocketFrame(content);
            case CLOSE -> new CloseWebSocketFrame(true, 0, content);
        };
    }

    public Kind kind() {
        return kind;
    }

    public boolean fin() {
        return fin;
    }

    /** The payload itself (not a copy). */
    public byte[] payload() {
        return payload;
    }

    /** Whether this is a ping, pong or close frame. */
    public boolean isControl() {
        return kind == Kind.PING || kind == Kind.PONG || kind == Kind.CLOSE;
    }

    /** Whether this frame completes a data message. */
    public boolean endsMessage() {
        return !isControl() && fin;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof WsFrame that && kind == that.kind && fin == that.fin && Arrays.equals(payload, that.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, fin, Arrays.hashCode(payload));
    }

    /** E.g. {@code BINARY fin=false 65536 B crc32=1a2b3c4d}: short even for a 16 MiB payload. */
    @Override
    public String toString() {
        CRC32 crc = new CRC32();
        crc.update(payload);
        return kind + " fin=" + fin + " " + payload.length + " B crc32=" + Long.toHexString(crc.getValue());
    }
}
