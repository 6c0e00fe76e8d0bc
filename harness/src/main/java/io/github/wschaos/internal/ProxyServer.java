package io.github.wschaos.internal;

import io.github.wschaos.fault.Blackhole;
import io.github.wschaos.fault.Fault;
import io.github.wschaos.fault.ForceTlsMismatch;
import io.github.wschaos.fault.RefuseConnections;
import io.github.wschaos.fault.TlsMismatch;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.PromiseCombiner;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/** The listening side of a proxy: its event loops, its server channel and every channel it opened. */
public final class ProxyServer implements AutoCloseable {

    static final AttributeKey<LiveConnection> CONNECTION = AttributeKey.valueOf("wschaos.connection");
    static final AttributeKey<ToxicChain> TOXIC_CHAIN = AttributeKey.valueOf("wschaos.toxicChain");
    /** The upgraded connection's faults, once it is upgraded. */
    static final AttributeKey<Session> SESSION = AttributeKey.valueOf("wschaos.session");
    static final String HTTP_CODEC = "http";

    static {
        // A proxy out of file descriptors still answers its error page, as nginx does: what the page needs is loaded
        // once, with the proxy, while a class file can still be opened (a class loaded from a directory takes a
        // descriptor of its own).
        ErrorPages.response(UnpooledByteBufAllocator.DEFAULT, HttpResponseStatus.INTERNAL_SERVER_ERROR).release();
    }

    private final ProxySettings settings;
    private final ConnectionLog log;
    private final FaultEngine faults;
    private ListenerTls generatedTls;
    private final AtomicReference<Upstream> upstream;
    private final Transport transport = Transport.best();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final EventLoopGroup group;
    private final ChannelGroup channels;
    private final Channel serverChannel;
    /** How long {@link #close()} waits for each of its steps under load (they take milliseconds as a rule). */
    private static final int CLOSE_WAIT_SECONDS = 10;
    /** Set by the first {@link #close()}; {@link #closed} once it has closed. */
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Promise<Void> closed = ImmediateEventExecutor.INSTANCE.newPromise();

    /**
     * Binds and starts serving at once.
     *
     * @throws IllegalStateException naming the address when it cannot be bound
     */
    public ProxyServer(ProxySettings settings, Upstream upstream, ConnectionLog log, FaultEngine faults) {
        this.settings = settings;
        this.log = log;
        this.faults = faults;
        this.upstream = new AtomicReference<>(upstream);
        // The TLS material of the faults armed before the start, made before the port opens: no connection waits for it.
        faults.armed().forEach(armed -> prepare(armed.fault()));
        this.group = transport.newGroup(settings.ioThreads(), "wschaos-proxy", threads);
        this.channels = new DefaultChannelGroup("wschaos", GlobalEventExecutor.INSTANCE);
        try {
            this.serverChannel = new ServerBootstrap()
                    .group(group)
                    .channelFactory(transport.serverChannelFactory(Transport.familyOf(settings.listen())))
                    .childOption(ChannelOption.AUTO_READ, false)
                    // TCP_NODELAY is on by default in Netty's socket channels; setting it again costs a system call
                    // per connection.
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel channel) {
                            accept(channel);
                        }
                    })
                    .bind(settings.listen())
                    .syncUninterruptibly()
                    .channel();
        } catch (Exception e) {
            shutdownGroup();
            throw ListenAddresses.bindFailure("listen", settings.listen(), e);
        }
        channels.add(serverChannel);
    }

    private void accept(Channel channel) {
        channels.add(channel);
        long acceptedNanos = System.nanoTime();
        LiveConnection connection = log.accepted(channel.remoteAddress());
        channel.attr(CONNECTION).set(connection);
        channel.pipeline().addLast("recorder", new ConnectionRecorder(connection));
        TlsMismatch mismatch = null;
        for (ArmedFault hit : faults.hitting(Fault.Stage.CONNECT, connection, null, false, acceptedNanos)) {
            Fault fault = hit.fault();
            if (fault instanceof RefuseConnections) {
                channel.pipeline().addLast("refuse", new ConnectStage.Refuse(connection));
                return;
            }
            if (fault instanceof Blackhole) {
                channel.pipeline().addLast("blackhole", new ConnectStage.Blackhole(connection));
                return;
            }
            if (fault instanceof ForceTlsMismatch tls && mismatch == null) {
                mismatch = tls.mode();
            }
        }
        ToxicChain chain = new ToxicChain(faults, channel, connection, acceptedNanos);
        channel.attr(TOXIC_CHAIN).set(chain);
        faults.opened(chain);
        channel.pipeline()
                .addLast("sniffer", new ProtocolSniffer(this, mismatch))
                .addLast(HTTP_CODEC, HttpCodecs.clientSide(settings.maxHeaderSize(), false))
                .addLast("proxy", new FrontendHandler(this, acceptedNanos));
    }

    /** The listener's TLS material; for a plain listener that a fault makes speak TLS, generated on first use. */
    synchronized ListenerTls listenerTls() {
        if (settings.listenerTls() != null) {
            return settings.listenerTls();
        }
        if (generatedTls == null) {
            generatedTls = ListenerTls.generate();
        }
        return generatedTls;
    }

    /** Generates the TLS material {@code fault} needs (a TLS mismatch's) now, so that no connection waits for it. */
    public void prepare(Fault fault) {
        if (fault instanceof ForceTlsMismatch tls) {
            listenerTls().context(tls.mode());
        }
    }

    FaultEngine faults() {
        return faults;
    }

    static final AttributeKey<Channel> UPSTREAM_CHANNEL = AttributeKey.valueOf("wschaos.upstream");

    /** Remembers an upstream channel so that closing the proxy closes it and the record waits for it. */
    void track(Channel client, Channel upstreamChannel) {
        client.attr(UPSTREAM_CHANNEL).set(upstreamChannel);
        channels.add(upstreamChannel);
    }

    ProxySettings settings() {
        return settings;
    }

    Transport transport() {
        return transport;
    }

    Upstream upstream() {
        return upstream.get();
    }

    /** New connections go to {@code next}; connections already open stay where they are. */
    public void upstream(Upstream next) {
        upstream.set(next);
    }

    /** The address actually bound (with the ephemeral port resolved). */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return closing.get();
    }

    /** Whether the listener is open. */
    public boolean isOpen() {
        return serverChannel.isOpen();
    }

    /** Closes the listener and every connection, then stops the event loops and waits for them. */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            if (!threads.contains(Thread.currentThread())) {
                // Another caller closes: this one returns once it has, as the first does.
                closed.awaitUninterruptibly(4L * CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
            }
            return;
        }
        for (Channel channel : channels) {
            LiveConnection connection = channel.attr(CONNECTION).get();
            ToxicChain chain = channel.attr(TOXIC_CHAIN).get();
            if (connection != null) {
                channel.eventLoop().execute(() -> {
                    connection.closedByProxy("proxy closed");
                    if (chain != null) {
                        chain.shutdown();
                    }
                });
            }
        }
        if (threads.contains(Thread.currentThread())) {
            // Called on one of the proxy's own threads (a recording listener, say): waiting there would wait for
            // itself, so the close is started and finishes once this thread has returned to its loop.
            channels.close().addListener(done -> afterALoopTurn().addListener(
                    turned -> group.shutdownGracefully(0, 2, TimeUnit.SECONDS)));
            group.terminationFuture().addListener(done -> closed.setSuccess(null));
            return;
        }
        channels.close().awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        afterALoopTurn().awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        shutdownGroup();
        closed.setSuccess(null);
    }

    /**
     * Done once every event loop has turned once more: run its I/O, then a task. A native channel's close is an I/O
     * operation of its own, queued by the close and submitted by the loop's next turn of I/O; a loop ended before that
     * turn never submits it, and the socket stays open in the JVM, its peer never told. Under load (50 clients
     * mid-transfer, 2 cores at a load of 30) io_uring left up to 76 of 100 sockets so, without this turn.
     */
    private Future<?> afterALoopTurn() {
        PromiseCombiner turns = new PromiseCombiner(ImmediateEventExecutor.INSTANCE);
        for (EventExecutor loop : group) {
            turns.add(loop.submit(() -> { }));
        }
        Promise<Void> all = ImmediateEventExecutor.INSTANCE.newPromise();
        turns.finish(all);
        return all;
    }

    /**
     * Stops the event loops and waits until their threads have ended: the group reports termination just before
     * its threads exit, and a caller that counts threads right after {@link #close()} must not see them.
     */
    private void shutdownGroup() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        boolean interrupted = false;
        for (Thread thread : threads) {
            long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (thread == Thread.currentThread() || leftMillis <= 0) {
                continue;
            }
            try {
                thread.join(leftMillis);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
