package io.github.wschaos.internal;

import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.Version;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event-loop transport: io_uring where the kernel offers it, epoll where that loads, NIO otherwise; the system
 * property {@value #PROPERTY} ({@code io_uring}, {@code epoll} or {@code nio}) forces one.
 *
 * <p>Netty's io_uring and epoll jars are optional dependencies of the library (the command-line jar bundles them): a
 * test-scope library should not change the transport of the application under test, which Reactor Netty and Lettuce
 * pick by what the classpath offers. So a native transport is used only where its classes are on the classpath, of
 * the same release as netty-transport, and link; otherwise the selection goes on to the next, down to NIO. The
 * classes of a native transport are touched only through {@link IoUringSupport} and {@link EpollSupport}, which load
 * once its jar was found.
 */
enum Transport {
    IO_URING("io.netty.channel.uring.IoUring", "netty-transport-classes-io_uring", "netty-transport-native-io_uring") {
        @Override
        IoHandlerFactory ioHandlerFactory() {
            return IoUringSupport.ioHandlerFactory();
        }

        @Override
        ChannelFactory<? extends ServerChannel> serverChannelFactory(SocketProtocolFamily family) {
            return IoUringSupport.serverChannelFactory();
        }

        @Override
        ChannelFactory<? extends SocketChannel> clientChannelFactory(SocketProtocolFamily family) {
            return IoUringSupport.clientChannelFactory();
        }

        @Override
        Throwable probe() {
            avoidMultishotPoll();
            return IoUringSupport.probe();
        }
    },
    EPOLL("io.netty.channel.epoll.Epoll", "netty-transport-classes-epoll", "netty-transport-native-epoll") {
        @Override
        IoHandlerFactory ioHandlerFactory() {
            return EpollSupport.ioHandlerFactory();
        }

        @Override
        ChannelFactory<? extends ServerChannel> serverChannelFactory(SocketProtocolFamily family) {
            return EpollSupport.serverChannelFactory(family);
        }

        @Override
        ChannelFactory<? extends SocketChannel> clientChannelFactory(SocketProtocolFamily family) {
            return EpollSupport.clientChannelFactory(family);
        }

        @Override
        Throwable probe() {
            return EpollSupport.probe();
        }
    },
    NIO(null, null, null) {
        @Override
        IoHandlerFactory ioHandlerFactory() {
            return NioIoHandler.newFactory();
        }

        @Override
        ChannelFactory<? extends ServerChannel> serverChannelFactory(SocketProtocolFamily family) {
            return () -> new NioServerSocketChannel(SelectorProvider.provider(), family);
        }

        @Override
        ChannelFactory<? extends SocketChannel> clientChannelFactory(SocketProtocolFamily family) {
            return () -> new NioSocketChannel(SelectorProvider.provider(), family);
        }

        @Override
        Throwable probe() {
            return null;
        }
    };

    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);

    /** The artifact native transports must match: its release is the one the rest of Netty's jars are of. */
    private static final String NETTY_TRANSPORT = "netty-transport";

    /** The JNI helpers both native transports load with; netty-handler brings them, of its own release. */
    private static final String UNIX_COMMON = "netty-transport-native-unix-common";

    /** A class of the transport's classes jar, by name (null for NIO, which is in netty-transport). */
    private final String marker;
    private final String classesArtifact;
    private final String nativeArtifact;
    /** {@link #unavailability()}'s answer, once found: the classpath and the kernel do not change. */
    private Throwable unavailable;
    private boolean probed;
    private boolean warned;

    Transport(String marker, String classesArtifact, String nativeArtifact) {
        this.marker = marker;
        this.classesArtifact = classesArtifact;
        this.nativeArtifact = nativeArtifact;
    }

    /** The system property that forces a transport. */
    static final String PROPERTY = "wschaos.transport";

    /** Netty's switch for io_uring's multishot {@code POLL_ADD}, read once, when Netty's {@code IoUring} class loads. */
    private static final String MULTISHOT_POLL = "io.netty.iouring.pollAddMultishotEnabled";

    /**
     * Turns Netty's multishot {@code POLL_ADD} off, unless the JVM was told otherwise: with it, Netty 4.2.18 missed a
     * {@code wss://} upstream's reset right after a TLS 1.3 handshake (the session tickets, then the RST) about one
     * time in two, and the client waited for an answer until it gave up; without it, never in the same measurement
     * (UpstreamResetAfterTlsHandshakeTest), and likewise a reset right after part of a frame or a head from either
     * peer (PeerResetMidMessageTest: 479 of 2,000 upstream connections left open, 48 of 1,000 clients hung, all of
     * them gone without it). It must be set before Netty's io_uring classes load; if they loaded earlier (the
     * application under test uses io_uring too), Netty's own setting stays.
     */
    private static void avoidMultishotPoll() {
        if (System.getProperty(MULTISHOT_POLL) == null) {
            System.setProperty(MULTISHOT_POLL, "false");
        }
    }

    /**
     * The transport {@value #PROPERTY} names, else the first available of io_uring, epoll and NIO. In that automatic
     * choice a native transport of another Netty release than netty-transport's is passed over (see
     * {@link #mismatch}), as is one whose classes are not on the classpath or do not link. A mismatch or a link
     * failure is logged once, as a warning; classes not on the classpath, the library user's usual case, at debug.
     *
     * @throws IllegalArgumentException naming the value when it is not a transport, or the transport it names
     *     cannot run here (with the reason)
     */
    static Transport best() {
        return select(System.getProperty(PROPERTY));
    }

    static Transport select(String forced) {
        return select(forced, nettyVersions());
    }

    /**
     * {@link #select(String)} on a classpath with these Netty jars.
     *
     * @param versions each Netty artifact on the classpath and its version, e.g. {@code netty-transport=4.2.7.Final}
     */
    static Transport select(String forced, Map<String, String> versions) {
        if (forced == null || forced.isBlank()) {
            for (Transport transport : values()) {
                String mismatch = mismatch(transport, versions);
                if (mismatch != null) {
                    transport.warnOnce("Netty's " + transport.label() + " transport is not used: " + mismatch);
                    continue;
                }
                Throwable cause = transport.unavailability();
                if (cause == null) {
                    LOG.debug("wschaos proxy on the {} transport", transport.label());
                    return transport;
                }
                if (cause instanceof LinkageError) {
                    transport.warnOnce("Netty's " + transport.label() + " transport does not load here (" + cause
                            + "): its jars are likely of another release than netty-transport's; import the BOM"
                            + " io.netty:netty-bom:" + NettyVersions.BUILT_WITH + " to bring them to one");
                } else {
                    LOG.debug("wschaos: no {} transport: {}", transport.label(), cause.toString());
                }
            }
            return NIO;
        }
        Transport transport = named(forced.trim());
        Throwable cause = transport.unavailability();
        if (cause != null) {
            String mismatch = mismatch(transport, versions);
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + forced + ": the " + transport.label()
                    + " transport is not available here (" + cause + ")" + (mismatch == null ? "" : "; " + mismatch)
                    + "; accepted are " + labels() + ", or no value for the best available", cause);
        }
        return transport;
    }

    /**
     * Why {@code transport} is not to be tried on a classpath with these Netty jars, or null: its classes or native
     * jar, or the JNI helpers it loads with, are of another release than netty-transport. Such a mix is what Maven's
     * nearest-wins leaves when an application's framework brings an older Netty 4.2 (Vert.x 5.0.5: 4.2.7) and the
     * native transport comes from elsewhere at wschaos's: its channels then fail to load with an
     * {@code IncompatibleClassChangeError} (io_uring's {@code AbstractUringUnsafe} overrides a method that became
     * final), or worse, misbehave. Versions not known (a jar without Netty's version file) are not judged, nor is a
     * transport whose classes are not there (the JNI helpers of another release alone do not make epoll a mismatch
     * when epoll is not on the classpath).
     *
     * @param versions each Netty artifact on the classpath and its version, e.g. {@code netty-transport=4.2.7.Final}
     */
    static String mismatch(Transport transport, Map<String, String> versions) {
        String expected = versions.get(NETTY_TRANSPORT);
        if (transport.marker == null || expected == null || !versions.containsKey(transport.classesArtifact)) {
            return null; // NIO, a classpath without version files, or without this transport's classes
        }
        List<String> others = new ArrayList<>();
        for (String artifact : List.of(transport.classesArtifact, transport.nativeArtifact, UNIX_COMMON)) {
            String version = versions.get(artifact);
            if (version != null && !version.equals(expected)) {
                others.add(artifact + " " + version);
            }
        }
        if (others.isEmpty()) {
            return null;
        }
        return "the classpath has " + String.join(", ", others) + " next to " + NETTY_TRANSPORT + " " + expected
                + ", and Netty's jars of different releases do not link together. To have " + transport.label()
                + ", bring every Netty jar to one release: import the BOM io.netty:netty-bom:"
                + NettyVersions.BUILT_WITH + " (Maven: in <dependencyManagement>, scope import; Gradle:"
                + " platform('io.netty:netty-bom:" + NettyVersions.BUILT_WITH + "'))";
    }

    /** Each Netty artifact on the classpath and its version, from Netty's version files; empty if they cannot be read. */
    private static Map<String, String> nettyVersions() {
        Map<String, String> versions = new HashMap<>();
        try {
            Version.identify(Transport.class.getClassLoader())
                    .forEach((artifact, version) -> versions.put(artifact, version.artifactVersion()));
        } catch (RuntimeException e) {
            LOG.debug("wschaos: Netty's version files cannot be read", e);
        }
        return versions;
    }

    /** Logs once per JVM why this transport, which the classpath offers, is not used. */
    private synchronized void warnOnce(String why) {
        if (!warned) {
            warned = true;
            LOG.warn("wschaos: {}; the proxy runs on the next transport available ({})", why, fallback());
        }
    }

    /** The transports tried after this one, for a message. */
    private String fallback() {
        return this == IO_URING ? "epoll, else NIO" : "NIO";
    }

    /**
     * Why this transport cannot run here, or null if it can; found once. A native transport's classes that are not on
     * the classpath make it unavailable, and so does any {@link LinkageError} while they load (their release does
     * not match the rest of Netty's): the cause is then that error.
     */
    synchronized Throwable unavailability() {
        if (!probed) {
            unavailable = find();
            probed = true;
        }
        return unavailable;
    }

    private Throwable find() {
        if (marker != null) {
            try {
                Class.forName(marker, false, Transport.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                return new IllegalStateException(classesArtifact + " is not on the classpath: add io.netty:"
                        + classesArtifact + " and io.netty:" + nativeArtifact + " with the classifier linux-x86_64 (or"
                        + " linux-aarch_64), of netty-transport's release", e);
            }
        }
        try {
            return probe();
        } catch (LinkageError e) {
            return e;
        }
    }

    /**
     * Loads and initializes {@code channels}, the classes they extend in their package and the classes nested in
     * those (their {@code Unsafe}s), so that jars which do not link together fail here, before any channel is made.
     *
     * @throws LinkageError as the class loader throws it
     */
    static void link(Class<?>... channels) {
        for (Class<?> channel : channels) {
            for (Class<?> type = channel; type != null && type.getPackageName().equals(channel.getPackageName());
                    type = type.getSuperclass()) {
                initialize(type);
                for (Class<?> nested : type.getDeclaredClasses()) {
                    initialize(nested);
                }
            }
        }
    }

    private static void initialize(Class<?> type) {
        try {
            Class.forName(type.getName(), true, type.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new NoClassDefFoundError(type.getName());
        }
    }

    private static Transport named(String name) {
        for (Transport transport : values()) {
            if (transport.label().equals(name.toLowerCase(Locale.ROOT))) {
                return transport;
            }
        }
        throw new IllegalArgumentException("-D" + PROPERTY + "=" + name + " is not a transport; accepted are "
                + labels() + ", or no value for the best available");
    }

    private static String labels() {
        return String.join(", ", Arrays.stream(values()).map(Transport::label).toList());
    }

    /** The name {@value #PROPERTY} takes: {@code io_uring}, {@code epoll}, {@code nio}. */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Why this transport cannot run here, or null if it can, once its classes are known to be on the classpath.
     *
     * @throws LinkageError when its classes do not link with the rest of Netty's
     */
    abstract Throwable probe();

    abstract IoHandlerFactory ioHandlerFactory();

    /**
     * Sockets of {@code family}, or of the platform's default (dual stack where IPv6 is there) for null: an IPv4
     * socket for an IPv4 address saves the dual-stack socket's extra setup call on every connection.
     */
    abstract ChannelFactory<? extends ServerChannel> serverChannelFactory(SocketProtocolFamily family);

    abstract ChannelFactory<? extends SocketChannel> clientChannelFactory(SocketProtocolFamily family);

    /** IPv4 for a resolved IPv4 address; null (the platform's default) otherwise. */
    static SocketProtocolFamily familyOf(InetSocketAddress address) {
        return !address.isUnresolved() && address.getAddress() instanceof Inet4Address ? SocketProtocolFamily.INET : null;
    }

    /** A group of daemon threads named after {@code name}; each thread is also added to {@code started}. */
    EventLoopGroup newGroup(int threads, String name, Collection<Thread> started) {
        ThreadFactory factory = new DefaultThreadFactory(name, true) {
            @Override
            public Thread newThread(Runnable task) {
                Thread thread = super.newThread(task);
                started.add(thread);
                return thread;
            }
        };
        return new MultiThreadIoEventLoopGroup(threads, factory, ioHandlerFactory());
    }
}
