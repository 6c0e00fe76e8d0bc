package io.github.wschaos.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Netty WebSocket server at {@code /} on loopback for one connection at a time: as soon as the handshake
 * is done it sends its script of frames (data fragments and pings, written as given), and it records every
 * frame it receives in a {@link FrameRecorder}. It answers pings with pongs and a close with the same close,
 * and accepts {@code permessage-deflate} when the client offers it.
 */
public final class ScriptedWebSocketServer implements AutoCloseable {

    /** The largest frame either side may send in these tests. */
    public static final int MAX_FRAME = 32 * 1024 * 1024;

    /**
     * The peers' own buffers are not watched by the leak detector: at PARANOID level it records every access,
     * and masking 16 MiB goes through millions of them. The proxy's buffers are still watched.
     */
    static final ByteBufAllocator PEER_ALLOCATOR = new UnpooledByteBufAllocator(true, true);

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel channel;
    private final List<WsFrame> script;
    private volatile FrameRecorder recorder;

    private ScriptedWebSocketServer(List<WsFrame> script) {
        this.script = List.copyOf(script);
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/")
                .allowExtensions(true)
                .maxFramePayloadLength(MAX_FRAME)
                .build();
        channel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.ALLOCATOR, PEER_ALLOCATOR)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        FrameRecorder connectionRecorder = new FrameRecorder();
                        recorder = connectionRecorder;
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerCompressionHandler(0), connectionRecorder,
                                new WebSocketServerProtocolHandler(config), new Scripter());
                    }
                })
                .bind("127.0.0.1", 0)
                .syncUninterruptibly()
                .channel();
    }

    /** A started server that will send {@code script} to each client. */
    public static ScriptedWebSocketServer start(List<WsFrame> script) {
        return new ScriptedWebSocketServer(script);
    }

    /** {@code ws://127.0.0.1:<port>/}. */
    public URI uri() {
        return URI.create("ws://127.0.0.1:" + ((InetSocketAddress) channel.localAddress()).getPort() + "/");
    }

    /** What the latest connection received. */
    public FrameRecorder received() {
        FrameRecorder current = recorder;
        if (current == null) {
            throw new IllegalStateException("no client has connected to " + uri());
        }
        return current;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Sends the script after the handshake; drops the frames that reach it (they are recorded already). */
    private final class Scripter extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                for (WsFrame frame : script) {
                    ctx.write(frame.toNetty());
                }
                ctx.flush();
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }
}
