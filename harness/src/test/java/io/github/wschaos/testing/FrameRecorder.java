package io.github.wschaos.testing;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * Sits in a Netty WebSocket pipeline after the decoders (and decompression) and before the protocol handler,
 * copies every frame it sees, and passes the frame on. Data frames and pings are kept in arrival order in
 * {@link #frames()}, pongs in {@link #pongs()}, close frames in {@link #closes()}.
 */
public final class FrameRecorder extends ChannelInboundHandlerAdapter {

    private final List<WsFrame> frames = new ArrayList<>();
    private final List<WsFrame> pongs = new ArrayList<>();
    private final List<WsFrame> closes = new ArrayList<>();
    private final List<Throwable> failures = new ArrayList<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof WebSocketFrame frame) {
            WsFrame copy = WsFrame.of(frame);
            synchronized (this) {
                (frame instanceof PongWebSocketFrame ? pongs : frame instanceof CloseWebSocketFrame ? closes : frames)
                        .add(copy);
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        synchronized (this) {
            failures.add(cause);
        }
        ctx.fireExceptionCaught(cause);
    }

    /** Data frames and pings received so far, in order. */
    public synchronized List<WsFrame> frames() {
        return List.copyOf(frames);
    }

    /** Pongs received so far, in order. */
    public synchronized List<WsFrame> pongs() {
        return List.copyOf(pongs);
    }

    /** Close frames received so far. */
    public synchronized List<WsFrame> closes() {
        return List.copyOf(closes);
    }

    /** Errors the pipeline reported (a malformed frame, a failed decompression, ...). */
    public synchronized List<Throwable> failures() {
        return List.copyOf(failures);
    }

    private synchronized String describe() {
        return "received " + frames.size() + " frames, " + pongs.size() + " pongs, then " + failures;
    }

    /** Waits until {@code frameCount} data frames and pings and {@code pongCount} pongs have arrived. */
    public void awaitReceived(int frameCount, int pongCount, Duration timeout) {
        Awaitility.await().alias("%d frames and %d pongs".formatted(frameCount, pongCount))
                .atMost(timeout)
                .pollInterval(Duration.ofMillis(20))
                .failFast("the pipeline failed", () -> {
                    if (!failures().isEmpty()) {
                        throw new AssertionError(describe());
                    }
                })
                .until(() -> {
                    synchronized (this) {
                        return frames.size() >= frameCount && pongs.size() >= pongCount;
                    }
                });
    }
}
