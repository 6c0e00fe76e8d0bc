package io.github.wschaos.internal;

import io.github.wschaos.record.Closer;
import io.github.wschaos.record.Outcome;
import io.github.wschaos.fault.Blackhole;
import io.github.wschaos.fault.DelayHandshake;
import io.github.wschaos.fault.Fault;
import io.github.wschaos.fault.RefuseConnections;
import io.github.wschaos.fault.RejectOrigins;
import io.github.wschaos.fault.RespondWithStatus;
import io.github.wschaos.fault.StripUpgradeHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of one connection before the upgrade: a plain HTTP/1.1 proxy. It records the request,
 * connects to the upstream on the same event loop, relays requests and responses (keep-alive and chunked
 * bodies included), and on a {@code 101} turns both pipelines into a byte relay.
 *
 * <p>Once an upgrade request is in, what the client sends before the answer (a first frame in the same write as the
 * request, say) is held as bytes, not read as HTTP: after a {@code 101} it is relayed to the upstream ahead of
 * everything else; after a refusal it is read as the next request. nginx does the same with what it has read past
 * the request head.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(FrontendHandler.class);
    /** How much a client whose request waits may send before {@link #watchForClientGone()} stops reading it. */
    private static final int WATCH_LIMIT = 64 * 1024;

    /** The failure of a connection whose request the proxy's {@code close()} cut short. */
    private static final String PROXY_CLOSED_FIRST = "the proxy was closed before it answered the client's request";

    private final ProxyServer server;
    private final long acceptedNanos;
    /** A request head and its end, as a rule, while the upstream connects: sized for that, not for ArrayDeque's 16. */
    private final Queue<Object> pendingToUpstream = new ArrayDeque<>(2);
    /** A request held by a delay, and what came after it: it goes on, behind {@link #pendingToUpstream}, at the end. */
    private final HeldRequests held = new HeldRequests();
    private final EarlyBytes early = new EarlyBytes();
    /** The handler before the client's HTTP codec, from which the early bytes are replayed after the upgrade. */
    private String replayFrom;
    private String path;
    private boolean delayed;
    private Channel client;
    private Channel upstreamChannel;
    private Upstream upstream;
    private LiveConnection connection;
    /** Whether the upstream is being connected, or was: once per client connection. */
    private boolean dialed;
    private boolean upstreamReady;
    private boolean awaitingUpgradeResponse;
    private boolean upgradeRequested;
    private boolean otherUpgradeRequested;
    private boolean responding;
    /** Whether a request target had bytes of 0x80 and up: the upstream side then keeps them ({@link RequestTargetBytes}). */
    private boolean rawTargetBytes;
    /** A fault's own answer waits for a handshake delay: what the client sends meanwhile is released. */
    private boolean answerDelayed;
    /**
     * Whether the last answer from the upstream left its connection open for more (no {@code Connection: close}, not
     * ended by the close): only then is the upstream's close an idle keep-alive connection's end.
     */
    private boolean upstreamKeptAlive = true;
    /** What the client sent while a request of its waited (a request head counted as 256 bytes). */
    private long readWhileWaiting;
    /** See {@link #upgradeHeadersStripped()}. */
    private boolean upgradeHeadersStripped;
    /** A blackhole swallowed a later request of the connection: nothing more is relayed either way. */
    private boolean dropped;
    private final OwedAnswers answers = new OwedAnswers();
    /**
     * An upgrade request that waits, with what follows it, in {@link #pendingToUpstream} until the answers to the
     * requests pipelined before it have ended; null if none. nginx reads the next request only once it has answered
     * the one before, so the upstream never has an upgrade to answer ahead of an earlier request (Node's {@code ws}
     * answers one at once, in the same parse).
     */
    private HttpRequest upgradeWaiting;
    private io.netty.util.concurrent.ScheduledFuture<?> requestTimer;
    /** The first byte of a later request has come and its head has not yet ({@link ClientHttpCodec}). */
    private boolean laterHeadStarted;
    /** Times that head, from when the requests before it are answered; null when not timing. */
    private io.netty.util.concurrent.ScheduledFuture<?> laterHeadTimer;
    /** Times the exchanges for drop-idle faults; made when the first request goes to the upstream. */
    private HttpIdleDrop idleDrop;

    FrontendHandler(ProxyServer server, long acceptedNanos) {
        this.server = server;
        this.acceptedNanos = acceptedNanos;
    }

    long acceptedNanos() {
        return acceptedNanos;
    }

    String path() {
        return path;
    }

    LiveConnection connection() {
        return connection;
    }

    /**
     * Whether the proxy has answered the client itself, or ended the exchange, rather than waiting to: what the upstream
     * sends after that is dropped.
     */
    boolean answeredItself() {
        return responding && !answers.refusalWaiting();
    }

    /** Whether a blackhole swallowed a later request: the upstream connection was closed by the proxy for it. */
    boolean dropped() {
        return dropped;
    }

    boolean upgradeRequested() {
        return upgradeRequested;
    }

    /** Whether the current request asks to upgrade to another protocol than WebSocket ({@code h2c}, say). */
    boolean otherUpgradeRequested() {
        return otherUpgradeRequested;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        client = ctx.channel();
        connection = ctx.channel().attr(ProxyServer.CONNECTION).get();
        requestTimer = ctx.executor().schedule(this::requestTimedOut,
                server.settings().requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
        ctx.read();
    }

    /** No complete request head in time: close without an answer, as nginx's {@code client_header_timeout}. */
    private void requestTimedOut() {
        if (connection.hasRequest() || !client.isActive()) {
            return;
        }
        connection.outcome(Outcome.TIMED_OUT);
        connection.failure("no complete request head within " + server.settings().requestTimeout());
        connection.closedByProxy("request timeout");
        client.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (idleDrop != null) {
            idleDrop.clientData();
        }
        if (msg instanceof HttpRequest) {
            laterHeadCame();
        }
        if (answerDelayed || awaitingUpgradeResponse || held.holding()) {
            readWhileWaiting += msg instanceof ByteBuf bytes ? bytes.readableBytes()
                    : msg instanceof HttpContent content ? content.content().readableBytes() : 256;
        }
        if (responding || answerDelayed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ByteBuf bytes) {
            early.hold(bytes);
            return;
        }
        if (msg instanceof HttpRequest request) {
            HeaderLines.refuseOverflowing(request, server.settings().maxHeaderSize() / HeaderLines.BUFFERS);
            if (request.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                rejectMalformed(ctx, request.decoderResult().cause());
                return;
            }
            boolean webSocketUpgrade = isWebSocketUpgrade(request);
            if (webSocketUpgrade) {
                delayed = false; // a delay of an earlier request on the connection is not this upgrade's outcome
            }
            connection.request(request, webSocketUpgrade, answers.answersNotStarted());
            requestTimer.cancel(false);
            HttpResponseStatus refusal = RefusedRequests.refusal(request);
            if (refusal != null) {
                ReferenceCountUtil.release(msg);
                reject(request.method() + " " + request.uri() + " " + request.protocolVersion() + " is answered "
                                + refusal + " by the proxy itself, as"
                                + " by nginx, and not relayed" + RefusedRequests.hint(request),
                        ErrorPages.response(ctx.alloc(), refusal), answers.unanswered());
                return;
            }
            RequestTargets.toOriginForm(request);
            if (!rawTargetBytes && !RequestTargetBytes.isAscii(request.uri())) {
                // Installed once it is needed, not on every connection: two more handlers cost a handshake storm.
                rawTargetBytes = true;
                if (upstreamChannel != null && upstreamChannel.pipeline().get("http") != null) {
                    RequestTargetBytes.install(upstreamChannel.pipeline(), "http");
                }
            }
            String decodedPath;
            try {
                decodedPath = RequestTargets.decodedPath(request.uri());
            } catch (IllegalArgumentException e) {
                ReferenceCountUtil.release(msg);
                rejectMalformed(ctx, e);
                return;
            }
            path = decodedPath;
            upgradeRequested = webSocketUpgrade;
            otherUpgradeRequested = !upgradeRequested && request.headers().contains(HttpHeaderNames.UPGRADE);
            // Every request is judged, not only a connection's first: a proxy in front that pools its upstream
            // connections (nginx with upstream keepalive, Apache, haproxy) sends an upgrade on a connection that
            // carried plain requests before.
            if (applyHandshakeFaults(ctx, request)) {
                return;
            }
            if ((upgradeRequested || otherUpgradeRequested) && answers.unanswered() > 0) {
                upgradeWaiting = request;
            }
            answers.passedOn(request); // before the dial below, whose failure may be reported at once
            if (held.holding()) {
                held.requestPassedOn();
            }
            if (!dialed && !held.holding()) {
                connectUpstream();
            }
        }
        if (msg instanceof HttpContent content && content.decoderResult().isFailure()) {
            // A body that cannot be read (a broken chunk size, say) is not passed on as if it had ended.
            ReferenceCountUtil.release(msg);
            bodyMalformed(ctx, content.decoderResult().cause());
            return;
        }
        boolean upgradeRequestEnds = msg instanceof LastHttpContent && (upgradeRequested || otherUpgradeRequested);
        if (upgradeRequestEnds) {
            awaitingUpgradeResponse = true;
        }
        if (held.holding()) {
            held.add(msg);
        } else if (upstreamReady && upgradeWaiting == null) {
            toUpstream(msg);
        } else {
            pendingToUpstream.add(msg);
        }
        if (upgradeRequestEnds) {
            // The decoder goes until the answer (awaitingUpgradeResponse): what it has read past the request, and what
            // comes before the answer, arrives here as bytes (its removal passes them on at once) and is held.
            ((ClientHttpCodec) ctx.pipeline().get(ProxyServer.HTTP_CODEC)).removeInboundHandler();
        }
    }

    /**
     * Applies the handshake faults that hit this request, in arming order. A handshake delay delays whatever answers:
     * the upstream, or a fault that answers itself (a slow 504 from a proxy whose upstream timed out).
     *
     * @return true if a fault answered the request itself (and released it), or will once the delay is over
     */
    private boolean applyHandshakeFaults(ChannelHandlerContext ctx, HttpRequest request) {
        List<ArmedFault> hits = server.faults().hitting(Fault.Stage.HANDSHAKE, connection, path, upgradeRequested,
                acceptedNanos);
        ArmedFault delay = held.holding() ? null : firstDelay(hits);
        for (ArmedFault hit : hits) {
            Fault fault = hit.fault();
            Runnable answer = answerOf(ctx, request, fault);
            if (answer != null) {
                ReferenceCountUtil.release(request);
                if (delay == null) {
                    answer.run();
                } else {
                    answerAfter(ctx, delay, answer);
                }
                return true;
            }
            if (fault instanceof StripUpgradeHeaders) {
                HandshakeFaults.stripUpgrade(request, server.upstream());
                upgradeHeadersStripped = true;
            }
        }
        if (delay != null) {
            hold(ctx, delay);
        }
        return false;
    }

    /** The first handshake delay among {@code hits}; null if none. */
    private static ArmedFault firstDelay(List<ArmedFault> hits) {
        for (ArmedFault hit : hits) {
            if (hit.fault() instanceof DelayHandshake) {
                return hit;
            }
        }
        return null;
    }

    /** How long {@code delay}, a {@link DelayHandshake} armed, holds a handshake on this proxy's time scale. */
    private Duration lengthOf(ArmedFault delay) {
        return server.faults().scale(((DelayHandshake) delay.fault()).delay());
    }

    /** What {@code fault} does in the upstream's place for this request; null if it lets the request go on. */
    private Runnable answerOf(ChannelHandlerContext ctx, HttpRequest request, Fault fault) {
        if (fault instanceof Blackhole || fault instanceof RefuseConnections) {
            return () -> {
                releasePending();
                requestDropped(ctx, fault instanceof Blackhole);
            };
        }
        if (fault instanceof RespondWithStatus respond) {
            // The record holds the connection's first request: a later one that the fault answers is named.
            String later = answers.answeredBefore() || answers.unanswered() > 0
                    ? fault.name() + " answered " + respond.status() + " to " + OwedAnswers.laterRequest(request)
                    : "";
            return () -> answerItself(HandshakeFaults.response(ctx.alloc(), respond), later);
        }
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (fault instanceof RejectOrigins reject && upgradeRequested && !reject.allows(origin)) {
            return () -> answerItself(HandshakeFaults.rejection(ctx.alloc(), reject.status()),
                    (origin == null ? "no Origin header" : "origin " + origin) + " is not among " + reject.allowed());
        }
        return null;
    }

    /**
     * Gives a fault's {@code answer} once {@code delay} is over (or disarmed); nothing more is passed on meanwhile.
     */
    private void answerAfter(ChannelHandlerContext ctx, ArmedFault delay, Runnable answer) {
        answerDelayed = true;
        delayed = true;
        HandshakeDelay.start(delay, ctx.channel().eventLoop(), lengthOf(delay), () -> {
            answerDelayed = false;
            if (client.isActive()) {
                answer.run();
            }
        });
    }

    /**
     * Answers the request with the proxy's own {@code response} (a fault's), then closes; after the upstream's answers
     * to the requests before it, if any are owed (pipelined), as HTTP/1.1 answers in order. {@code failure} is what the
     * record says went wrong, empty when the answer itself says it.
     */
    private void answerItself(FullHttpResponse response, String failure) {
        answerInTurn(response, failure, answers.unanswered());
    }

    /**
     * Writes the proxy's own {@code response}, then closes; if {@code earlierAnswers} are owed to the requests before
     * (pipelined), once they have been relayed, as HTTP/1.1 answers in order. Nothing more is read from the client
     * meanwhile.
     */
    private void answerInTurn(FullHttpResponse response, String failure, int earlierAnswers) {
        if (earlierAnswers > 0) {
            responding = true;
            answers.refuseAfter(earlierAnswers, new OwedAnswers.Refusal(response, failure));
            return;
        }
        connection.failure(failure);
        respondAndClose(response, response.status());
    }

    /**
     * Holds this request, and what follows it, for {@code delay} before it goes on to the upstream: the upstream is
     * dialled then, or, on a keep-alive connection, the request is written then (the requests before it go on
     * meanwhile). Nothing more is passed on meanwhile; disarming the delay lets the request go on at once.
     */
    private void hold(ChannelHandlerContext ctx, ArmedFault delay) {
        held.start();
        delayed = true;
        HandshakeDelay.start(delay, ctx.channel().eventLoop(), lengthOf(delay), () -> {
            if (!client.isActive() || dropped) { // a blackhole took a later request: what was held went with it
                held.end();
                return;
            }
            held.endInto(pendingToUpstream);
            if (!dialed) {
                connectUpstream();
            } else if (upstreamReady && upstreamKeptAlive) {
                writePending();
                readMoreIfReady();
            } // else the upstream is being connected, and what is pending goes on once it is, or the last answer said
              // "Connection: close", and the upstream's close ends the client's connection
        });
    }

    /**
     * Writes what waited for the upstream (requests, bodies) and flushes it: up to an upgrade request that waits for
     * the answers before it ({@link #upgradeWaiting}), if there is one.
     */
    private void writePending() {
        Object pending;
        while ((pending = pendingToUpstream.peek()) != null && pending != upgradeWaiting) {
            toUpstream(pendingToUpstream.poll());
        }
        upstreamChannel.flush();
    }

    /** Writes {@code msg} to the upstream; a request's head starts the drop-idle timers, if none runs. */
    private void toUpstream(Object msg) {
        if (msg instanceof HttpRequest) {
            if (idleDrop == null) {
                idleDrop = new HttpIdleDrop(server.faults(), this, client);
            }
            idleDrop.requestRelayed();
        }
        upstreamChannel.write(msg, upstreamChannel.voidPromise());
    }

    /**
     * A firewall that inspected the request head and dropped it: the upstream never sees it. A blackhole then
     * swallows whatever the client sends and never answers; a refusal resets the connection (RST).
     */
    private void requestDropped(ChannelHandlerContext ctx, boolean blackhole) {
        if (blackhole) {
            dropped = true;
        }
        if (blackhole && upstreamChannel != null) {
            // A later request of a kept-alive connection: the upstream connection is closed (with whatever it still
            // had to answer), and the client's is held, read and never answered, until the client gives up.
            responding = true;
            connection.failure("a blackhole swallowed " + path + " on a kept-alive connection; its upstream connection"
                    + " was closed");
            upstreamChannel.close();
            client.config().setAutoRead(true);
        } else if (blackhole) {
            ctx.pipeline().replace(this, "blackhole", new ConnectStage.Blackhole(connection));
        } else {
            responding = true; // whatever else the client sent is released, not queued for an upstream
            ConnectStage.refuse(connection, ctx.channel());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (upstreamReady) {
            upstreamChannel.flush();
        }
        readMoreIfReady();
    }

    /**
     * Reads from the client until the first request head is in; then while the upstream is connected, can
     * take more, and no upgrade is being answered.
     */
    void readMoreIfReady() {
        if (client == null || !client.isActive() || responding) {
            return;
        }
        if (answerDelayed || awaitingUpgradeResponse || held.holding()) {
            watchForClientGone();
            return;
        }
        if (!dialed || (upstreamReady && upstreamChannel.isWritable())) {
            client.read();
        }
    }

    /**
     * While a request waits (for its answer, or a delay), a client that gives up closes its connection, and nginx
     * notices that at once (its 499). epoll and io_uring report the FIN without a read; NIO, a library user's default
     * without Netty's native jars (and the transport on macOS and Windows), learns of it only by reading. So on NIO
     * one read stays posted while a request waits; what it brings is held or dropped as it would be after the wait
     * (bytes after an upgrade request held, pipelined requests held by a delay, anything dropped while the proxy
     * answers itself), up to {@link #WATCH_LIMIT} bytes, past which the client is no longer read until the wait ends.
     */
    private void watchForClientGone() {
        if (server.transport() == Transport.NIO && readWhileWaiting < WATCH_LIMIT) {
            client.read();
        }
    }

    /**
     * Whether a request of this connection went upstream without its upgrade headers: its answer, the upstream's last
     * (the request said {@code Connection: close}), is held as nginx buffers it.
     */
    boolean upgradeHeadersStripped() {
        return upgradeHeadersStripped;
    }

    /** The head of the upstream's final answer to the oldest unanswered request is being passed to the client. */
    void answerStarted() {
        answers.answerStarted();
    }

    /**
     * The upstream's final answer to the oldest unanswered request has ended.
     *
     * @param byClose whether it ended with the upstream's connection (a body that runs until the close): a refusal
     *     written after it would be read as the rest of its body, so a refusal due now is dropped with the connection
     * @param keepsAlive whether the answer left the upstream connection open for the next request
     */
    void answerEnded(boolean byClose, boolean keepsAlive) {
        upstreamKeptAlive = !byClose && keepsAlive;
        OwedAnswers.Refusal due = answers.answerEnded();
        if (due != null) {
            if (byClose) {
                due.response().release();
                Channels.closeOnFlush(client);
            } else if (!keepsAlive) {
                // The answer said "Connection: close": no answer may follow it; the upstream's close ends the client's.
                due.response().release();
            } else {
                connection.failure(due.failure());
                respondAndClose(due.response(), due.response().status());
            }
            return;
        }
        if (upgradeWaiting != null && answers.unanswered() == 1) { // no request is read after an upgrade: it is the one
            upgradeWaiting = null;
            if (upstreamReady && upstreamKeptAlive) {
                writePending(); // else the upstream connection ends, and the client's with it, as after any such answer
            }
        }
        if (answers.unanswered() == 0) {
            timeLaterHeadOnceAnswered();
            if (idleDrop != null) {
                idleDrop.answersEnded();
            }
            // Only the last answer can be the upgrade's: an earlier pipelined request's answer is not.
            upgradeAnswered();
        }
    }

    /**
     * The upstream answered the upgrade request with something other than 101: HTTP goes on, with a new codec in place
     * of the one whose decoder went, which reads first what the client sent meanwhile.
     */
    private void upgradeAnswered() {
        if (awaitingUpgradeResponse) {
            // Cleared first: what is replayed may be another upgrade request, which sets it again.
            awaitingUpgradeResponse = false;
            if (!upstreamKeptAlive) {
                // The answer relayed said the connection ends ("Connection: close", or a body until the close): no
                // answer may follow it, so what the client sent early is not read as a request, and the upstream's
                // close ends the client's connection (recorded as the upstream's).
                early.release();
                responding = true;
                return;
            }
            // The new codec judges what is replayed as a request line, as nginx reads what followed the refused
            // upgrade request: a frame, say, gets 400 at once.
            client.pipeline().replace(ProxyServer.HTTP_CODEC, ProxyServer.HTTP_CODEC,
                    HttpCodecs.clientSide(server.settings().maxHeaderSize(), true));
            replayEarly(handlerBeforeCodec());
        }
        readMoreIfReady();
    }


    private void connectUpstream() {
        dialed = true;
        upstream = server.upstream();
        ProxySettings settings = server.settings();
        InetSocketAddress address = upstream.connectAddress();
        // TCP_NODELAY is on by default in Netty's socket channels (setting it again is a system call per connection).
        Future<?> connect;
        try {
            connect = UpstreamConnector.connect(client.eventLoop(), server.transport(), address,
                    (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()), this::setUpUpstream);
        } catch (ChannelException e) {
            // No channel to be had (a socket past the open-files limit, say): the client gets nginx's answer when its
            // socket() fails, 500 (measured with nginx 1.22: "socket() failed (24: Too many open files) while
            // connecting to upstream"), not the 502 of an upstream that refused; the record says why.
            log.debug("{}: no channel to the upstream", connection, e);
            connection.failure("upstream " + upstream + " could not be dialled: " + e.getMessage());
            respondAndClose(ErrorPages.response(client.alloc(), HttpResponseStatus.INTERNAL_SERVER_ERROR),
                    HttpResponseStatus.INTERNAL_SERVER_ERROR);
            return;
        }
        connect.addListener(future -> {
            if (!future.isSuccess()) {
                upstreamFailed(future.cause());
                return;
            }
            if (!client.isActive()) {
                upstreamChannel.close();
                return;
            }
            upstreamReady = true;
            writePending(); // a request held by a delay, and what follows it, are not pending yet
            readMoreIfReady();
        });
    }

    /**
     * Each attempt's upstream channel, tracked as the connection's upstream, and its pipeline: TLS if the upstream is
     * {@code wss://}, the HTTP codec, the response relay.
     */
    private void setUpUpstream(Channel channel) {
        upstreamChannel = channel;
        server.track(client, channel);
        ProxySettings settings = server.settings();
        if (upstream.tls()) {
            SSLEngine engine = settings.upstreamTls().newEngine(channel.alloc(), upstream.host(), upstream.port());
            if (settings.verifyUpstreamHostname()) {
                SSLParameters parameters = engine.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                engine.setSSLParameters(parameters);
            }
            SslHandler tls = new SslHandler(engine);
            // The upstream's TLS handshake counts in the connect timeout, as in nginx's proxy_connect_timeout: one that
            // does not finish in time gets the client a 504 (BackendHandler), not Netty's own close after 10 s.
            tls.setHandshakeTimeoutMillis(settings.connectTimeout().toMillis());
            channel.pipeline().addLast("tls", tls);
            channel.pipeline().addLast("tls-close", new TlsCloseAsEndOfStream());
        }
        channel.pipeline().addLast("http", HttpCodecs.upstreamSide());
        channel.pipeline().addLast("upstream", new BackendHandler(server, this, client));
        if (rawTargetBytes) {
            RequestTargetBytes.install(channel.pipeline(), "http");
        }
        ToxicChain chain = client.attr(ProxyServer.TOXIC_CHAIN).get();
        if (chain != null) {
            chain.upstreamOpening(channel);
        }
    }

    /** The upstream connection now; null before it is dialled. */
    Channel upstreamChannel() {
        return upstreamChannel;
    }

    /** Data came from the upstream: a drop-idle timer that counts it starts over. */
    void upstreamData() {
        if (idleDrop != null) {
            idleDrop.upstreamData();
        }
    }

    /** The later request on this kept-alive connection whose answer comes next ({@link OwedAnswers}), or empty. */
    String laterRequestAwaited() {
        return answers.laterRequestAwaited();
    }

    /** Whether an answer's head has reached the client and its end not yet. */
    boolean answerUnderway() {
        return answers.answerUnderway();
    }

    /**
     * The upstream did not start its answer before a drop-idle timeout: the client gets the proxy's own {@code 504}, as
     * from nginx's {@code proxy_read_timeout}, and both connections close; {@code failure} is what the record says.
     */
    void gatewayTimeout(String failure) {
        connection.failure(failure);
        respondAndClose(ErrorPages.response(client.alloc(), HttpResponseStatus.GATEWAY_TIMEOUT),
                HttpResponseStatus.GATEWAY_TIMEOUT);
    }

    /** Whether {@code channel} is the upstream connection now: what an earlier one reports is no longer of concern. */
    boolean isCurrentUpstream(Channel channel) {
        return channel == upstreamChannel;
    }

    /**
     * The upstream connection went away (closed, failed, or sent what answers nothing) while a request was held by a
     * delay, with every request written to it answered, as when the upstream closes a kept-alive connection that was
     * idle during the delay: it is forgotten, and the held request goes on a new connection once the delay is over.
     *
     * @return whether that is the case; the connection's end is then nothing the client or the record sees
     */
    boolean forgetUpstreamWhileHolding() {
        if (!held.holding() || !upstreamKeptAlive || !pendingToUpstream.isEmpty() || answers.answerUnderway()
                || answers.unanswered() != held.requests()) {
            // An answer that ended the connection ("Connection: close", or a body until the close) ends the client's
            // too, as before: what comes after it would be read as part of it.
            return false;
        }
        dialed = false;
        upstreamReady = false;
        upstreamChannel = null;
        answers.newUpstreamConnection();
        return true;
    }

    /**
     * The upstream could not be reached, closed its connection or failed: a request waiting for its answer gets
     * nginx's answer ({@code 502}, {@code 504}); otherwise the client's connection ends.
     */
    void upstreamFailed(Throwable cause) {
        upstreamFailed(cause, false);
    }

    /**
     * The upstream's answer cannot be read as HTTP: the waiting request gets {@code 502}, as behind nginx, on a
     * keep-alive connection too.
     */
    void upstreamAnswerInvalid(Throwable cause) {
        upstreamFailed(cause, true);
    }

    private void upstreamFailed(Throwable cause, boolean invalidAnswer) {
        if (!client.isActive() || dropped) {
            return;
        }
        // Nothing to answer: the proxy has answered, no request waits (the upstream closed an idle keep-alive
        // connection), or the answer has started and ends there, its body short, as behind nginx. A refusal waiting
        // for earlier answers does not count: the oldest waiting request gets the 502, and the connection ends with
        // it (the refusal is dropped; the client sends that request again on a new connection).
        boolean nothingToAnswer = answeredItself() || answers.answerUnderway() || answers.unanswered() == 0;
        // After an earlier answer on this connection, the upstream may have closed its idle keep-alive connection just
        // as the request went out: the client's connection ends without an answer, as without a proxy, and the client
        // retries as it would then (a 502 would turn that race into a failure that nginx, which opens an upstream
        // connection per request, does not have).
        boolean keepAliveRace = !invalidAnswer && answers.answeredBefore();
        if (nothingToAnswer || keepAliveRace) {
            if (invalidAnswer) { // the upstream still holds its connection open: the proxy ends it, the answer unreadable
                connection.closedByProxy("the upstream's answer cannot be read as HTTP");
            }
            Channels.closeOnFlush(client);
            return;
        }
        boolean timedOut = cause instanceof ConnectTimeoutException || cause instanceof SslHandshakeTimeoutException;
        HttpResponseStatus status = timedOut ? HttpResponseStatus.GATEWAY_TIMEOUT : HttpResponseStatus.BAD_GATEWAY;
        connection.failure("upstream " + upstream + " " + UpstreamConnector.describe(cause, server.settings().connectTimeout()));
        respondAndClose(ErrorPages.response(client.alloc(), status), status);
    }

    /**
     * A request body that cannot be read: nginx, which reads a body before passing the request on, answers {@code 400}
     * and the upstream never sees the request. Here the head and the body's start may have gone on already: the
     * upstream connection is closed before the body ends, and the client gets the {@code 400}, or, if the upstream
     * has answered already (an early {@code 413}, say) or is answering, its connection closed: a second answer to
     * one request would be read as the answer to the next.
     */
    private void bodyMalformed(ChannelHandlerContext ctx, Throwable cause) {
        if (answers.newestAnswered()) {
            connection.failure("malformed request body from the client: " + cause.getMessage());
            responding = true;
            connection.closedByProxy("malformed request body");
            Channels.closeOnFlush(client); // what was relayed of the answer reaches the client first
            if (upstreamChannel != null) {
                upstreamChannel.close();
            }
            return;
        }
        rejectMalformed(ctx, cause, answers.unanswered() - 1);
    }

    /** A request refused before it was passed on (its head, or its target, cannot be read): not counted as unanswered. */
    private void rejectMalformed(ChannelHandlerContext ctx, Throwable cause) {
        rejectMalformed(ctx, cause, answers.unanswered());
    }

    private void rejectMalformed(ChannelHandlerContext ctx, Throwable cause, int earlierAnswers) {
        if (!ctx.channel().isActive()) {
            if (server.isClosed()) {
                connection.failure(PROXY_CLOSED_FIRST);
                return;
            }
            // The decoder's last look at what came before the client's close (or reset): a head cut short, which no
            // answer can reach. The client gave up on its request; nothing was answered.
            if (earlierAnswers == 0) {
                connection.outcome(Outcome.ABORTED_BY_CLIENT);
            }
            connection.failure("the client closed the connection in the middle of its request: " + cause.getMessage());
            return;
        }
        reject("malformed request from the client: " + cause.getMessage(), ErrorPages.malformedRequest(ctx.alloc(), cause),
                earlierAnswers);
    }

    /**
     * The proxy refuses the request itself: a rejection, not a plain HTTP exchange (see Outcome.REJECTED), answered
     * in turn ({@link #answerInTurn}) after the {@code earlierAnswers} requests before it, as nginx answers pipelined
     * requests in order.
     */
    private void reject(String failure, FullHttpResponse response, int earlierAnswers) {
        if (earlierAnswers == 0) {
            connection.outcome(Outcome.REJECTED);
        }
        answerInTurn(response, failure, earlierAnswers);
    }

    /** Answers the client with {@code response} from the proxy itself, then closes both sides. */
    void respondAndClose(FullHttpResponse response, HttpResponseStatus status) {
        responding = true;
        releasePending();
        connection.responded(client, status.code(), upgradeRequested ? Outcome.REJECTED : Outcome.NOT_WEBSOCKET);
        connection.closedByProxy("answered " + status.code());
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        client.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        if (upstreamChannel != null) {
            upstreamChannel.close();
        }
    }

    /**
     * Turns the client side into a relay of WebSocket frames, or of a tunnel's bytes; called by the upstream side once
     * the 101 is written.
     */
    void switchToRelay(boolean webSocket) {
        if (idleDrop != null) {
            idleDrop.end(); // an upgraded connection's idle drop is IdleDrop's
        }
        replayFrom = early.isEmpty() ? null : handlerBeforeCodec();
        client.pipeline().replace(this, "relay", new RelayHandler(upstreamChannel, Closer.CLIENT, connection, webSocket));
        client.pipeline().remove(ClientHttpCodec.class);
    }

    /**
     * Relays what the client sent before the {@code 101} to the upstream, through the handlers that took the codec's
     * place (frame faults, the relay). Called once the upgraded connection is set up, before anything more is read.
     */
    void relayEarlyData() {
        replayEarly(replayFrom);
    }

    /** The name of the handler right before the client's HTTP codec; the recorder, always first, is before it. */
    private String handlerBeforeCodec() {
        List<String> names = client.pipeline().names();
        return names.get(names.indexOf(ProxyServer.HTTP_CODEC) - 1);
    }

    /** Passes the held bytes on from the handler named {@code from}: to whatever follows it. */
    private void replayEarly(String from) {
        if (!early.isEmpty()) {
            early.replay(client.pipeline().context(from));
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (upstreamChannel != null) {
            upstreamChannel.config().setAutoRead(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (requestTimer != null) {
            requestTimer.cancel(false);
        }
        laterHeadCame();
        if (server.isClosed()) {
            if (connection.currentOutcome() == Outcome.PENDING) {
                // Neither side gave up: the proxy closed (recorded as REFUSED, as any connection it closes unanswered).
                connection.failure(PROXY_CLOSED_FIRST);
            }
        } else if ((delayed || dropped) && connection.currentOutcome() == Outcome.PENDING) {
            connection.outcome(Outcome.TIMED_OUT);
        }
        connection.tcpClosed(Closer.CLIENT);
        releasePending();
        if (upstreamChannel != null) {
            Channels.closeOnFlush(upstreamChannel);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ClientHttpCodec.NEXT_REQUEST_STARTED) {
            laterHeadStarted = true;
            timeLaterHeadOnceAnswered();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    /**
     * Starts timing a later request's head that has started, once the requests before it are answered: nginx reads a
     * pipelined request only then, and its {@code client_header_timeout} runs from there.
     */
    private void timeLaterHeadOnceAnswered() {
        if (laterHeadStarted && laterHeadTimer == null && answers.unanswered() == 0 && !answerDelayed && client.isActive()) {
            laterHeadTimer = client.eventLoop().schedule(this::laterRequestTimedOut,
                    server.settings().requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void laterHeadCame() {
        laterHeadStarted = false;
        if (laterHeadTimer != null) {
            laterHeadTimer.cancel(false);
            laterHeadTimer = null;
        }
    }

    /**
     * A later request on the connection started and its head did not come whole in time: closed without an answer, as
     * nginx's {@code client_header_timeout} closes it (cancelled when the head comes).
     */
    private void laterRequestTimedOut() {
        laterHeadTimer = null;
        if (!client.isActive() || !laterHeadStarted) {
            return;
        }
        connection.failure("a later request's head did not come whole within " + server.settings().requestTimeout());
        connection.closedByProxy("request timeout");
        client.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{}: client side failed", connection, cause);
        connection.failure("client connection failed: " + cause);
        ctx.close();
    }

    private void releasePending() {
        Object pending;
        while ((pending = pendingToUpstream.poll()) != null) {
            ReferenceCountUtil.release(pending);
        }
        held.release();
        early.release();
        answers.releaseRefusal();
    }

    private static boolean isWebSocketUpgrade(HttpRequest request) {
        return request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }
}
