package io.github.wschaos.api;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.ProxyCertificate;
import io.github.wschaos.internal.ConnectionLog;
import io.github.wschaos.internal.ListenAddresses;
import io.github.wschaos.internal.ListenerTls;
import io.github.wschaos.internal.NettyVersions;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Toxiproxy's HTTP API, served by wschaos: any Toxiproxy client (toxiproxy-java, the Testcontainers module, the Go,
 * Ruby or Python clients, curl) manages named WebSocket chaos proxies through it by changing one address.
 *
 * <pre>{@code
 * try (ChaosServer server = ChaosServer.builder().port(0).seed(42).start()) {
 *     ToxiproxyClient client = new ToxiproxyClient("127.0.0.1", server.port());
 *     Proxy proxy = client.createProxy("chat", "127.0.0.1:0", "127.0.0.1:8080"); // upstream ws://127.0.0.1:8080
 *     proxy.toxics().latency("slow", ToxicDirection.DOWNSTREAM, 200);
 * }
 * }</pre>
 *
 * <p>The routes, JSON shapes, status codes and error bodies are Toxiproxy 2.x's. Toxiproxy's seven TCP toxics keep
 * their names, attributes and units, and arm the same faults as {@link io.github.wschaos.fault.Faults}; every other
 * catalogue fault is an extra toxic type ({@code strip_upgrade_headers}, {@code drop_idle}, {@code reject_origins},
 * ...). An upstream is {@code host:port} (taken as {@code ws://host:port}, with the client's path) or a
 * {@code ws://}/{@code wss://} URI. Toxicity draws come from the server's {@link Builder#seed(long) seed}: the same
 * seed hits the same attempts. {@code GET /proxies/{name}/recording} gives each proxy's recording as JSON.
 *
 * <p>wschaos adds two proxy fields: {@code "tls": true} makes the listener serve {@code wss://} with the server's
 * {@link #certificate() certificate} (one authority for every proxy of the server, served as PEM by
 * {@code GET /certificate}), and {@code "upstream_ca"} gives the PEM a {@code wss://} upstream's certificate must
 * chain to.
 *
 * <p>{@link #close()} closes every proxy and the API listener and stops their threads.
 */
public final class ChaosServer implements AutoCloseable {

    private final ProxyCollection collection;
    private final EventLoopGroup group;
    private final ExecutorService apiThread;
    private final Channel channel;
    private final ChannelGroup connections = new DefaultChannelGroup("wschaos-api", GlobalEventExecutor.INSTANCE);

    private ChaosServer(InetSocketAddress address, ServerSettings settings) {
        this.collection = new ProxyCollection(settings);
        this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        this.apiThread = Executors.newSingleThreadExecutor(task -> new Thread(task, "wschaos-api"));
        try {
            this.channel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            connections.add(ch);
                            ch.pipeline()
                                    .addLast(new HttpServerCodec())
                                    .addLast(new HttpObjectAggregator(ApiHandler.MAX_BODY))
                                    .addLast("api", new ApiHandler(collection, apiThread));
                        }
                    })
                    .bind(address)
                    .syncUninterruptibly()
                    .channel();
        } catch (Exception e) {
            shutdown();
            throw ListenAddresses.bindFailure("serve the API", address, e);
        }
    }

    /** A builder: loopback, port 8474 (Toxiproxy's) unless told otherwise. */
    public static Builder builder() {
        return new Builder();
    }

    /** The address the API listens on. */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** The API's port. */
    public int port() {
        return address().getPort();
    }

    /** The API's base URI, e.g. {@code http://127.0.0.1:8474}. */
    public URI uri() {
        return URI.create("http://" + NamedProxy.hostPort(address()));
    }

    /**
     * The running proxy behind the API proxy {@code name}, to arm faults or read its recording from Java; empty when
     * there is no such proxy or it is disabled. A disabled and re-enabled proxy is a new {@link ChaosProxy}.
     */
    public Optional<ChaosProxy> proxy(String name) {
        return Optional.ofNullable(collection.running(name));
    }

    /**
     * The TLS authority and certificate every {@code "tls": true} proxy of this server presents (the same for all of
     * them, and across restarts); {@code GET /certificate} serves its {@link ProxyCertificate#pem() PEM}.
     */
    public ProxyCertificate certificate() {
        return collection.certificate();
    }

    /** Closes every proxy (and its connections), then the API listener; returns once their threads ended. */
    @Override
    public void close() {
        try {
            channel.close().syncUninterruptibly();
            connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        } finally {
            shutdown();
            collection.close();
        }
    }

    private void shutdown() {
        apiThread.shutdown();
        try {
            apiThread.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Override
    public String toString() {
        return "ChaosServer " + (channel.isOpen() ? uri() : "(closed)");
    }

    /** The server's certificate, generated when a proxy or a client first needs it. */
    private static final class LazyCertificate implements java.util.function.Supplier<ProxyCertificate> {

        private final String[] hostNames;
        private ProxyCertificate certificate;

        LazyCertificate(String[] hostNames) {
            this.hostNames = hostNames;
        }

        @Override
        public synchronized ProxyCertificate get() {
            if (certificate == null) {
                certificate = ProxyCertificate.generate(hostNames);
            }
            return certificate;
        }
    }

    /** Settings for a {@link ChaosServer}. */
    public static final class Builder {

        private String host = "127.0.0.1";
        private String[] tlsHosts = new String[0];
        private int port = 8474;
        private long seed = 0x5eed;
        private boolean allowNonLoopback;
        private int recordingLimit = ConnectionLog.DEFAULT_LIMIT;

        private Builder() {
        }

        /** The API's address, {@code 127.0.0.1} by default; anything else but loopback needs {@link #allowNonLoopback()}. */
        public Builder host(String host) {
            this.host = java.util.Objects.requireNonNull(host, "host");
            return this;
        }

        /** The API's port, 8474 (Toxiproxy's) by default; 0 picks a free one. */
        public Builder port(int port) {
            this.port = ListenAddresses.checkPort(port);
            return this;
        }

        /** The seed of every toxicity draw: the same seed, toxic and attempt give the same hit or miss. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * How many ended connections each proxy's recording keeps, as {@link ChaosProxy.Builder#recordingLimit(int)}
         * (10,000 by default, about 1 KiB of heap each).
         */
        public Builder recordingLimit(int connections) {
            this.recordingLimit = ConnectionLog.checkLimit(connections);
            return this;
        }

        /**
         * Names the certificate of the {@code "tls": true} proxies is valid for besides loopback's, as
         * {@link ProxyCertificate#generate(String...)} takes them: for clients that reach the proxies by another name
         * (an app in another container reaching the wschaos container by its network alias).
         *
         * @throws IllegalArgumentException naming a host name that is neither a DNS name nor an IP literal
         */
        public Builder tlsHosts(String... hostNames) {
            for (String name : hostNames) {
                ListenerTls.checkHostName(name);
            }
            this.tlsHosts = hostNames.clone();
            return this;
        }

        /** Lets the API and its proxies listen on addresses other than loopback. */
        public Builder allowNonLoopback() {
            this.allowNonLoopback = true;
            return this;
        }

        /**
         * Binds the API and starts serving.
         *
         * @throws IllegalStateException naming the address when it cannot be bound
         * @throws IllegalArgumentException when the host is not loopback and that was not allowed
         */
        public ChaosServer start() {
            NettyVersions.check();
            InetAddress address = ListenAddresses.resolve("API host", host, allowNonLoopback);
            return new ChaosServer(new InetSocketAddress(address, port),
                    new ServerSettings(seed, allowNonLoopback, recordingLimit, new LazyCertificate(tlsHosts)));
        }
    }
}
