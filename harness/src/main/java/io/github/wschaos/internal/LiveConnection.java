package io.github.wschaos.internal;


import io.github.wschaos.record.CloseInfo;
import io.github.wschaos.record.Closer;
import io.github.wschaos.record.ConnectionEvent;
import io.github.wschaos.record.ConnectionRecord;
import io.github.wschaos.record.Outcome;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The mutable record of one connection, written by the connection's I/O thread and snapshotted by anyone.
 * Every setter keeps the first value it is given where the record describes a "first" (outcome, close).
 */
public final class LiveConnection {

    /** The headers a record keeps, by the names it keeps them under; matched as HTTP matches names, ignoring case. */
    private static final AsciiString[] RECORDED_HEADERS = {HttpHeaderNames.HOST, HttpHeaderNames.ORIGIN,
            HttpHeaderNames.UPGRADE, HttpHeaderNames.CONNECTION, HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL,
            HttpHeaderNames.SEC_WEBSOCKET_EXTENSIONS, HttpHeaderNames.SEC_WEBSOCKET_VERSION, HttpHeaderNames.USER_AGENT};

    private final ConnectionLog log;
    private final long epochNanos;
    private final int attempt;
    /** The client's address as its channel gives it, put in words when first read: not on the accept path. */
    private final SocketAddress remote;
    /** {@link #remote} in words, once read; a race makes it twice, the same. */
    private String remoteAddress;
    private final long acceptedNanos = System.nanoTime();
    private final TrafficCounter up = new TrafficCounter();
    private final TrafficCounter down = new TrafficCounter();
    private final List<String> faults = new CopyOnWriteArrayList<>();

    private volatile long requestNanos;
    private volatile long responseNanos;
    private volatile long upgradedNanos;
    private volatile long closingNanos;
    private volatile long closedNanos;
    private volatile String method = "";
    private volatile String target = "";
    private volatile Map<String, String> headers = Map.of();
    private volatile Outcome outcome = Outcome.PENDING;
    private volatile int status;
    private volatile String failure = "";
    private volatile CloseInfo close;

    // Close and answer bookkeeping, touched only on the I/O thread.
    private Closer firstCloseFrameFrom;
    private int firstCloseCode = -1;
    private String firstCloseReason = "";
    private Closer firstTcpCloser;
    private String proxyCause = "";
    /** Answers still to come to requests before the recorded one (a pipelined upgrade's): not the record's. */
    private int answersBeforeRecorded;

    LiveConnection(ConnectionLog log, long epochNanos, int attempt, SocketAddress remote) {
        this.log = log;
        this.epochNanos = epochNanos;
        this.attempt = attempt;
        this.remote = remote;
        log.publish(ConnectionEvent.Type.ACCEPTED, this);
    }

    public int attempt() {
        return attempt;
    }

    boolean belongsTo(long generationEpoch) {
        return epochNanos == generationEpoch;
    }

    TrafficCounter clientToUpstream() {
        return up;
    }

    TrafficCounter upstreamToClient() {
        return down;
    }

    /**
     * A request head. The record keeps the connection's first, unless a WebSocket upgrade request comes later on the
     * keep-alive connection (from a proxy in front that pools its upstream connections, such as nginx with upstream
     * keepalive, Apache or haproxy): the upgrade takes its place, and its answer decides the outcome, not the answers
     * to the {@code earlierAnswersOwed} requests before it that are still to come (pipelined). Other later requests
     * are not recorded one by one.
     */
    public void request(HttpRequest request, boolean webSocketUpgrade, int earlierAnswersOwed) {
        if (requestNanos != 0) {
            if (!webSocketUpgrade) {
                return;
            }
            responseNanos = 0;
            status = 0;
            outcome = Outcome.PENDING;
            answersBeforeRecorded = earlierAnswersOwed;
        }
        method = request.method().name();
        target = request.uri();
        headers = recordedHeaders(request.headers());
        requestNanos = System.nanoTime();
        log.publish(ConnectionEvent.Type.REQUEST, this);
    }

    /**
     * The {@link #RECORDED_HEADERS} that {@code all} has, each with its values joined by {@code ", "} in the order they
     * came. One pass over the headers: a look-up per recorded name, and the lists it returns, cost a handshake storm
     * more than the record is worth.
     */
    static Map<String, String> recordedHeaders(HttpHeaders all) {
        String[] values = null;
        int found = 0;
        Iterator<Map.Entry<CharSequence, CharSequence>> headers = all.iteratorCharSequence();
        while (headers.hasNext()) {
            Map.Entry<CharSequence, CharSequence> header = headers.next();
            int index = recordedIndex(header.getKey());
            if (index < 0) {
                continue;
            }
            if (values == null) {
                values = new String[RECORDED_HEADERS.length];
            }
            String value = header.getValue().toString();
            if (values[index] == null) {
                values[index] = value;
                found++;
            } else {
                values[index] = values[index] + ", " + value;
            }
        }
        if (found == 0) {
            return Map.of();
        }
        @SuppressWarnings("unchecked")
        Map.Entry<String, String>[] entries = new Map.Entry[found];
        int next = 0;
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                entries[next++] = Map.entry(RECORDED_HEADERS[i].toString(), values[i]);
            }
        }
        return Map.ofEntries(entries);
    }

    private static int recordedIndex(CharSequence name) {
        for (int i = 0; i < RECORDED_HEADERS.length; i++) {
            if (RECORDED_HEADERS[i].contentEqualsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    public boolean hasRequest() {
        return requestNanos != 0;
    }

    /** A response head went to the client; the first one decides the outcome unless one was set before. */
    public void responded(int statusCode, Outcome result) {
        if (answersBeforeRecorded > 0) {
            answersBeforeRecorded--; // the answer to a request before the recorded one
            return;
        }
        if (responseNanos != 0) {
            return;
        }
        status = statusCode;
        responseNanos = System.nanoTime();
        outcome(result);
        log.publish(ConnectionEvent.Type.RESPONSE, this);
    }

    /**
     * {@link #responded(int, Outcome)} for an answer about to be written to {@code client}: behind a toxic that holds
     * what is written (a {@code latency}, a {@code bandwidth}), its time is when it has passed the toxics, when the client
     * can read it and schedule its retry, as for a close frame ({@link #writeCloseFrameToClient}). Behind a toxic that
     * may drop it, the time stays the write's.
     */
    void responded(Channel client, int statusCode, Outcome result) {
        long before = responseNanos;
        responded(statusCode, result);
        long recorded = responseNanos;
        if (before != 0 || recorded == 0) {
            return; // not this answer's time
        }
        int toxics = toxicsOn(client);
        if ((toxics & HOLDING) == 0 || (toxics & DROPPING) != 0) {
            return;
        }
        // An empty write ahead of the answer's head leaves the toxics when the head does (they keep order).
        client.write(Unpooled.EMPTY_BUFFER).addListener(written -> {
            if (written.isSuccess() && responseNanos == recorded) {
                responseNanos = System.nanoTime();
            }
        });
    }

    /** {@link #toxicsOn}: a toxic may hold what is written. */
    private static final int HOLDING = 1;
    /** {@link #toxicsOn}: a toxic may drop what is written. */
    private static final int DROPPING = 2;

    /**
     * Whether toxics on {@code client} may hold ({@link #HOLDING}) or drop ({@link #DROPPING}) what is written to it. Bits,
     * not a small class: a proxy out of file descriptors answers 500 through here, and loading a class the JVM has not
     * loaded yet may need one (from a classes directory).
     */
    private static int toxicsOn(Channel client) {
        int toxics = 0;
        ToxicChain chain = client.attr(ProxyServer.TOXIC_CHAIN).get();
        if (chain == null || !chain.noToxicEverOnClient()) {
            // Looked for only where a toxic has been: a walk of the pipeline copies it into a map.
            for (Map.Entry<String, ChannelHandler> handler : client.pipeline()) {
                if (handler.getValue() instanceof ToxicHandler toxic) {
                    toxics |= HOLDING | (toxic.mayDrop() ? DROPPING : 0);
                }
            }
        }
        return toxics;
    }

    /**
     * The connection switched to WebSocket: that is its outcome even when plain requests were answered on it before
     * (keep-alive, then an upgrade).
     */
    public void upgraded() {
        status = 101;
        outcome = Outcome.UPGRADED;
        upgradedNanos = System.nanoTime();
        log.publish(ConnectionEvent.Type.UPGRADED, this);
    }

    /** Sets the outcome if none was decided yet. */
    public void outcome(Outcome result) {
        if (outcome == Outcome.PENDING) {
            outcome = result;
        }
    }

    public Outcome currentOutcome() {
        return outcome;
    }

    /** Notes what went wrong; the first failure is kept. */
    public void failure(String description) {
        if (failure.isEmpty()) {
            failure = description;
        }
    }

    public void fault(String name) {
        if (!faults.contains(name)) {
            faults.add(name);
        }
    }

    void closeFrame(Closer from, int code, String reason) {
        if (from == Closer.CLIENT) {
            closing(); // the client is done: its own close, or its answer to one it got
        }
        if (firstCloseFrameFrom == null) {
            firstCloseFrameFrom = from;
            firstCloseCode = code;
            firstCloseReason = reason;
        }
    }

    /** One side's TCP connection went away; the first one is the closer when no close frame was seen. */
    public void tcpClosed(Closer by) {
        if (firstTcpCloser == null) {
            firstTcpCloser = by;
        }
    }

    /** The proxy itself is closing the connection, for {@code cause}. */
    public void closedByProxy(String cause) {
        if (firstTcpCloser == null) {
            firstTcpCloser = Closer.PROXY;
            proxyCause = cause;
        }
    }

    /**
     * The proxy closes or resets the client's TCP connection now, for {@code cause}: the moment it ends for the client
     * is noted before the FIN or RST leaves, so a client that reconnects on it is never recorded as having reconnected
     * before this attempt ended (the channel's inactive event, which notes it otherwise, may come after the next
     * connection is accepted on another event loop).
     */
    void cutByProxy(String cause) {
        closedByProxy(cause);
        closing();
    }

    /**
     * The connection has ended for the client: a close frame was written to its socket (the upstream's, or the
     * proxy's), it sent one (its own, or its answer), or its TCP connection closed. The first call counts; the
     * upstream's side may close later (a close handshake's grace period). A close frame that a toxic holds back counts
     * once it is written, one a toxic drops never.
     */
    void closing() {
        closing(System.nanoTime());
    }

    /** {@link #closing()} at {@code nanos}, for an event noted after it happened; the earliest counts. */
    void closing(long nanos) {
        if (closingNanos == 0 || nanos - closingNanos < 0) {
            closingNanos = nanos;
        }
    }

    /**
     * Writes a close frame to the client and, once it has left for the client's socket, notes that the connection has
     * ended for the client: at the write itself, or, behind a toxic that may hold it back, when the toxic has passed it
     * on. Behind a toxic that may drop it, the write says nothing: the client's answer or its TCP close will.
     */
    void writeCloseFrameToClient(Channel client, Object frame, boolean flush) {
        long requested = System.nanoTime();
        int toxics = toxicsOn(client);
        ChannelFuture write = flush ? client.writeAndFlush(frame) : client.write(frame);
        if ((toxics & DROPPING) != 0) {
            return;
        }
        boolean held = (toxics & HOLDING) != 0;
        write.addListener(written -> {
            if (written.isSuccess()) {
                closing(held ? System.nanoTime() : requested);
            }
        });
    }

    /** Both sides are closed: the record is complete. Idempotent. */
    public void finished() {
        if (closedNanos != 0) {
            return;
        }
        Closer tcpCloser = firstTcpCloser == null ? Closer.PROXY : firstTcpCloser;
        if (outcome == Outcome.PENDING) {
            outcome = tcpCloser == Closer.CLIENT ? Outcome.ABORTED_BY_CLIENT : Outcome.REFUSED;
        }
        if (firstCloseFrameFrom != null) {
            close = new CloseInfo(firstCloseFrameFrom, true,
                    firstCloseCode < 0 ? OptionalInt.empty() : OptionalInt.of(firstCloseCode), firstCloseReason,
                    firstCloseFrameFrom == Closer.PROXY ? proxyCause : "");
        } else {
            close = new CloseInfo(tcpCloser, false, OptionalInt.empty(), "",
                    tcpCloser == Closer.PROXY ? proxyCause : "");
        }
        closing();
        closedNanos = System.nanoTime();
        log.publish(ConnectionEvent.Type.CLOSED, this);
        log.ended(this);
    }

    public ConnectionRecord snapshot() {
        return new ConnectionRecord(attempt, remoteAddress(), since(acceptedNanos), optional(requestNanos),
                optional(responseNanos), optional(upgradedNanos), optional(closingNanos), optional(closedNanos),
                method, target, headers,
                outcome, status, up.snapshot(), down.snapshot(), List.copyOf(faults), Optional.ofNullable(close),
                failure);
    }

    private String remoteAddress() {
        String text = remoteAddress;
        if (text == null) {
            text = Channels.address(remote);
            remoteAddress = text;
        }
        return text;
    }

    private Duration since(long nanos) {
        return Duration.ofNanos(nanos - epochNanos);
    }

    private Optional<Duration> optional(long nanos) {
        return nanos == 0 ? Optional.empty() : Optional.of(since(nanos));
    }

    @Override
    public String toString() {
        return "connection #" + attempt + " from " + remoteAddress() + " " + method + " " + target;
    }
}
