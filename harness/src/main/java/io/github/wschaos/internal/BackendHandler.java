package io.github.wschaos.internal;

import io.github.wschaos.record.Closer;
import io.github.wschaos.record.Outcome;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upstream side of one connection before the upgrade: relays each response to the client and, when
 * the upstream switches protocols, turns both pipelines into a byte relay.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(BackendHandler.class);

    private final ProxyServer server;
    private final FrontendHandler frontend;
    private final Channel client;
    private final LiveConnection connection;
    private boolean switching;
    /** Whether the final answer being relayed leaves the upstream connection open for the next request. */
    private boolean answerKeepsAlive;
    private boolean tunnel;
    /** Whether the response being read is a final one (not a 1xx): its end is the end of an exchange. */
    private boolean finalAnswer;
    private boolean flushPending;
    /** The upstream sent what cannot be passed on: the rest of what it sends is dropped. */
    private boolean unusable;
    /** The answer being held as nginx buffers one to a request it sent without its upgrade headers; null if none. */
    private BufferedResponse buffered;

    BackendHandler(ProxyServer server, FrontendHandler frontend, Channel client) {
        this.server = server;
        this.frontend = frontend;
        this.client = client;
        this.connection = frontend.connection();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        frontend.upstreamData();
        if (!client.isActive() || frontend.answeredItself() || !frontend.isCurrentUpstream(ctx.channel())) {
            // The proxy's own answer ended the exchange (a pipelined request's refusal written after the answers before
            // it, say): an answer the upstream sends in the same read is not relayed after it.
            ReferenceCountUtil.release(msg);
            return;
        }
        if (unusable) {
            ReferenceCountUtil.release(msg); // what came after an answer that could not be passed on
            return;
        }
        if (msg instanceof HttpObject object && object.decoderResult().isFailure()) {
            Throwable cause = object.decoderResult().cause();
            ReferenceCountUtil.release(object);
            invalidAnswer(ctx, cause);
            return;
        }
        if (msg instanceof HttpResponse response) {
            int limit = server.settings().maxUpstreamHeaderSize();
            // Counted only under a limit of the user's: the decoder holds its own (64 KiB), and a handshake storm
            // need not count every head.
            int headSize = limit < HttpCodecs.MAX_RESPONSE_HEAD ? ResponseHeads.size(response) : 0;
            if (headSize > limit) {
                ReferenceCountUtil.release(msg);
                invalidAnswer(ctx, new TooLongHttpHeaderException("upstream sent too big header: a head of " + headSize
                        + " bytes, over maxUpstreamHeaderSize " + limit
                        + " (as nginx's proxy_buffer_size)"));
                return;
            }
            int status = response.status().code();
            writeAsHttp11(response);
            if (status == 101 && !frontend.upgradeRequested() && !frontend.otherUpgradeRequested()) {
                // Netty's decoder passes what follows through as bytes, which no HTTP answer to the client can carry.
                ReferenceCountUtil.release(msg);
                invalidAnswer(ctx, new IllegalStateException("101 Switching Protocols to a request that asked for no upgrade"));
                return;
            }
            if (status == 101 && frontend.upgradeRequested()) {
                switching = true;
            } else if (status == 101 && frontend.otherUpgradeRequested()) {
                // Another protocol (h2c, say): a byte tunnel, as nginx makes it, not a WebSocket.
                switching = true;
                tunnel = true;
            } else if (status >= 200) {
                finalAnswer = true;
                answerKeepsAlive = HttpUtil.isKeepAlive(response);
                frontend.answerStarted();
                Outcome outcome = frontend.upgradeRequested() ? Outcome.REJECTED : Outcome.NOT_WEBSOCKET;
                if (frontend.upgradeHeadersStripped()) {
                    // Recorded when its head reaches the client, as the client sees it: maybe never (it gives up).
                    buffered = new BufferedResponse(client, response,
                            () -> connection.responded(client, status, outcome));
                } else {
                    connection.responded(client, status, outcome);
                }
            }
        }
        if (buffered != null && msg instanceof HttpResponse) {
            return; // held until its body fills nginx's first buffer
        }
        boolean ended;
        if (buffered != null) {
            ended = buffered.relay((HttpObject) msg);
            if (ended) {
                buffered = null;
            }
        } else {
            client.write(msg, client.voidPromise());
            ended = msg instanceof LastHttpContent;
        }
        flushPending = true;
        if (ended) {
            if (switching) {
                switchToRelay(ctx);
                return;
            }
            if (finalAnswer) {
                finalAnswer = false;
                // An answer that ends only with the connection reaches its end while the channel goes inactive.
                frontend.answerEnded(!ctx.channel().isActive(), answerKeepsAlive);
            }
        }
        if (!client.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    /**
     * The upstream's answer cannot be read as HTTP (not HTTP at all, a head too large, a broken chunk): nothing of it
     * is passed on. A request waiting for it gets the proxy's 502; if the answer had started, the client's connection
     * ends there, the body unfinished, as nginx does; with no request waiting, the connection just ends.
     */
    private void invalidAnswer(ChannelHandlerContext ctx, Throwable cause) {
        unusable = true;
        if (frontend.forgetUpstreamWhileHolding()) {
            ctx.close(); // no request of the client's was waiting on it
            return;
        }
        connection.failure("upstream sent an invalid response: " + cause.getMessage());
        frontend.upstreamAnswerInvalid(cause);
        ctx.close();
    }

    private void switchToRelay(ChannelHandlerContext ctx) {
        Channel upstream = ctx.channel();
        connection.responded(101, tunnel ? Outcome.NOT_WEBSOCKET : Outcome.UPGRADED);
        // From here on the client's bytes are written to the upstream as they are. The codec leaves the pipeline
        // only after its current decode loop (below), and a client frame can be relayed before that: io_uring
        // handles the completions that come in while it submits (the 101 sent, the client's first frame received)
        // in the same I/O pass, ahead of the removal task. The request encoder, which takes only HTTP messages and
        // failed the connection on a plain buffer, passes bytes through from now, as in Netty's own upgrade handler.
        upstream.pipeline().get(HttpClientCodec.class).prepareUpgradeFrom(ctx);
        frontend.switchToRelay(!tunnel);
        upstream.pipeline().replace(this, "relay", new RelayHandler(client, Closer.UPSTREAM, connection, !tunnel));
        // The decoder is in its pass-through state after a 101; remove the codec once its decode loop is over.
        upstream.eventLoop().execute(() -> {
            if (upstream.pipeline().get(HttpClientCodec.class) != null) {
                upstream.pipeline().remove(HttpClientCodec.class);
                RequestTargetBytes.remove(upstream.pipeline());
            }
        });
        client.flush();
        if (!tunnel) { // frame faults and the WebSocket record do not apply to another protocol's bytes
            connection.upgraded();
            server.faults().upgraded(new Session(server.faults(), client, upstream, connection, frontend.path(),
                    frontend.acceptedNanos()));
        }
        frontend.relayEarlyData();
    }

    /**
     * nginx writes every answer's status line as {@code HTTP/1.1}, whatever the upstream wrote: an upstream that answers
     * in the request's version (Go's {@code net/http}, aiohttp) answers the {@code HTTP/1.0} request of
     * {@link HandshakeFaults#stripUpgrade} with {@code HTTP/1.0 400}, which Python's {@code websockets} refuses to read
     * ("unsupported HTTP version") where behind nginx it reports the 400. An answer that ends its connection in
     * {@code HTTP/1.0} says so in {@code HTTP/1.1}: {@code Connection: close}.
     */
    private static void writeAsHttp11(HttpResponse response) {
        if (HttpVersion.HTTP_1_1.equals(response.protocolVersion())) {
            return;
        }
        boolean keepsAlive = HttpUtil.isKeepAlive(response);
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        if (response.status().code() >= 200 && !keepsAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (flushPending) {
            flushPending = false;
            client.flush();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        frontend.readMoreIfReady();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (buffered != null) {
            buffered.discard();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (frontend.dropped() || !frontend.isCurrentUpstream(ctx.channel())
                || (!switching && frontend.forgetUpstreamWhileHolding())) {
            // Closed by the proxy for a blackhole (the client's connection is held until the client gives up), or an
            // earlier upstream connection, or one that went away with nothing asked while a request was held.
            return;
        }
        connection.tcpClosed(Closer.UPSTREAM);
        if (switching) {
            Channels.closeOnFlush(client);
        } else {
            frontend.upstreamFailed(null);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        // A wss:// upstream's TLS handshake that timed out: Netty's SslHandler closes without an exception; the client
        // gets the 504 of a connect timeout.
        if (evt instanceof SslHandshakeCompletionEvent handshake && handshake.cause() instanceof SslHandshakeTimeoutException
                && !switching && frontend.isCurrentUpstream(ctx.channel()) && !frontend.forgetUpstreamWhileHolding()) {
            frontend.upstreamFailed(handshake.cause());
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{}: upstream side failed", connection, cause);
        if (!switching && frontend.isCurrentUpstream(ctx.channel()) && !frontend.forgetUpstreamWhileHolding()) {
            frontend.upstreamFailed(cause);
        }
        ctx.close();
    }
}
