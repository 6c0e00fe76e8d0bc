package io.github.wschaos.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.extensions.compression.WebSocketServerCompressionHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real Netty WebSocket server on loopback, upgrading on its path and any path under it, that echoes every
 * data frame back unchanged, answers pings, and echoes a close frame's code and reason. Accepts
 * {@code permessage-deflate} and any subprotocol listed in {@code subprotocols}. Understands the
 * {@code close:<code>:<reason>} and {@code abort} commands described in {@link EchoServer}; text messages
 * starting with {@link #QUIET} get no answer.
 */
public final class NettyEchoServer implements EchoServer {

    /** Text messages starting with this are not echoed: the server stays silent. */
    public static final String QUIET = "quiet";

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel channel;
    private final String path;
    private final List<CloseStatus> closes = new CopyOnWriteArrayList<>();

    private final X509Bundle certificate;

    private NettyEchoServer(String path, String subprotocols, X509Bundle certificate) {
        this.path = path;
        this.certificate = certificate;
        SslContext tls = certificate == null ? null : serverContext(certificate);
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(path)
                .checkStartsWith(true)
                .subprotocols(subprotocols)
                .allowExtensions(true)
                .maxFramePayloadLength(64 * 1024 * 1024)
                .handleCloseFrames(false)
                .sendCloseFrame(null) // close frames are the Echo's business: "abort" must close without one
                .dropPongFrames(false)
                .build();
        channel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerCompressionHandler(0), new WebSocketServerProtocolHandler(config),
                                new Echo());
                    }
                })
                .bind("127.0.0.1", 0)
                .syncUninterruptibly()
                .channel();
    }

    /** An echo server at {@code /echo}. */
    public static NettyEchoServer start() {
        return new NettyEchoServer("/echo", null, null);
    }

    /** An echo server at {@code path} that accepts {@code subprotocols} (comma-separated), or any if null. */
    public static NettyEchoServer start(String path, String subprotocols) {
        return new NettyEchoServer(path, subprotocols, null);
    }

    /**
     * A {@code wss://} echo server at {@code /echo} with a self-signed certificate for {@code 127.0.0.1} and
     * {@code localhost}, generated in memory: only a client given {@link #certificatePem()} trusts it.
     */
    public static NettyEchoServer startTls() {
        try {
            Instant now = Instant.now();
            X509Bundle certificate = new CertificateBuilder().subject("CN=localhost, O=wschaos test upstream")
                    .setIsCertificateAuthority(true).notBefore(now.minus(1, ChronoUnit.HOURS))
                    .notAfter(now.plus(1, ChronoUnit.DAYS)).addSanDnsName("localhost").addSanIpAddress("127.0.0.1")
                    .addExtendedKeyUsageServerAuth().ecp256().buildSelfSigned();
            return new NettyEchoServer("/echo", null, certificate);
        } catch (Exception e) {
            throw new IllegalStateException("Could not generate the upstream's certificate: " + e, e);
        }
    }

    /** The self-signed certificate of a {@link #startTls()} server, in PEM form. */
    public String certificatePem() {
        if (certificate == null) {
            throw new IllegalStateException("This echo server listens without TLS");
        }
        return certificate.getCertificatePEM();
    }

    private static SslContext serverContext(X509Bundle certificate) {
        try {
            return SslContextBuilder.forServer(certificate.toKeyManagerFactory()).build();
        } catch (Exception e) {
            throw new IllegalStateException("Could not set up the upstream's TLS: " + e, e);
        }
    }

    @Override
    public URI uri() {
        return URI.create((certificate == null ? "ws" : "wss") + "://127.0.0.1:"
                + ((InetSocketAddress) channel.localAddress()).getPort() + path);
    }

    @Override
    public List<CloseStatus> closesReceived() {
        return List.copyOf(closes);
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Echo extends SimpleChannelInboundHandler<WebSocketFrame> {

        private boolean closeSent;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof CloseWebSocketFrame close) {
                closes.add(new CloseStatus(close.statusCode(), close.reasonText()));
                if (closeSent) {
                    ctx.close();
                    return;
                }
                closeSent = true;
                ctx.writeAndFlush(new CloseWebSocketFrame(close.isFinalFragment(), close.rsv(), close.content().retain()))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            if (frame instanceof TextWebSocketFrame text && text.isFinalFragment()) {
                String command = text.text();
                if (command.startsWith(QUIET)) {
                    return;
                }
                if (command.equals(ABORT)) {
                    ctx.close();
                    return;
                }
                Optional<CloseStatus> close = CloseStatus.parseCommand(command);
                if (close.isPresent()) {
                    closeSent = true;
                    ctx.writeAndFlush(new CloseWebSocketFrame(close.get().code(), close.get().reason()));
                    return;
                }
            }
            ctx.writeAndFlush(frame.retain());
        }
    }
}
