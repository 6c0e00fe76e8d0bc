package io.github.wschaos.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.resolver.DefaultAddressResolverGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * Connects the upstream side of one connection, trying in turn each address the upstream's host name resolves to until
 * one accepts, as nginx tries the next address of a {@code proxy_pass} name when a connect is refused or times out
 * (its default {@code proxy_next_upstream error timeout}). A name such as {@code localhost} often resolves to both
 * {@code 127.0.0.1} and {@code ::1}, and a server may listen on only one of them (Node binds {@code localhost} to
 * {@code ::1} on many systems, while the JVM lists {@code 127.0.0.1} first): it is reached as through nginx. Each
 * attempt has the whole connect timeout; the name is looked up on every connection, through the JVM's resolver and
 * its cache. An IP literal is the one address tried.
 */
final class UpstreamConnector {

    private final EventLoop loop;
    private final Transport transport;
    private final int connectTimeoutMillis;
    private final Consumer<Channel> setUp;
    private final Promise<Void> connected;
    private StringBuilder failures;
    private List<InetSocketAddress> addresses;

    private UpstreamConnector(EventLoop loop, Transport transport, int connectTimeoutMillis, Consumer<Channel> setUp) {
        this.loop = loop;
        this.transport = transport;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.setUp = setUp;
        this.connected = loop.newPromise();
    }

    /**
     * Must be called on {@code loop}.
     *
     * @param setUp called with each attempt's channel, registered and not yet connected, to add its handlers; the
     *     channel of a failed attempt is closed before the next one is made
     * @return done when the channel last given to {@code setUp} is connected; or failed with the failure of the last
     *     attempt, named with every address tried when there were several (a {@link ConnectTimeoutException} if the
     *     last one timed out). For an address resolved already, this is the one attempt's connect future.
     * @throws io.netty.channel.ChannelException if the first attempt's channel cannot be opened (the open-files limit,
     *     say); nothing is left open then
     */
    static Future<?> connect(EventLoop loop, Transport transport, InetSocketAddress address,
            int connectTimeoutMillis, Consumer<Channel> setUp) {
        if (!address.isUnresolved()) {
            return UpstreamDialer.dial(loop, transport.clientChannelFactory(Transport.familyOf(address)), address,
                    connectTimeoutMillis, setUp);
        }
        UpstreamConnector connector = new UpstreamConnector(loop, transport, connectTimeoutMillis, setUp);
        Future<List<InetSocketAddress>> resolved;
        try {
            resolved = DefaultAddressResolverGroup.INSTANCE.getResolver(loop).resolveAll(address);
        } catch (Throwable e) {
            return loop.newFailedFuture(e);
        }
        if (resolved.isDone()) {
            connector.resolved(resolved);
        } else {
            resolved.addListener(done -> {
                try {
                    connector.resolved(resolved);
                } catch (RuntimeException e) {
                    connector.connected.tryFailure(e); // no channel for the first attempt, told late
                }
            });
        }
        return connector.connected;
    }

    private void resolved(Future<List<InetSocketAddress>> resolved) {
        if (resolved.isSuccess()) {
            addresses = resolved.getNow();
            attempt(0);
        } else {
            connected.tryFailure(resolved.cause());
        }
    }

    private void attempt(int index) {
        InetSocketAddress address = addresses.get(index);
        ChannelFuture attempt;
        try {
            attempt = UpstreamDialer.dial(loop, transport.clientChannelFactory(Transport.familyOf(address)), address,
                    connectTimeoutMillis, setUp);
        } catch (RuntimeException e) {
            if (index == 0) {
                throw e;
            }
            connected.tryFailure(e);
            return;
        }
        attempt.addListener(done -> {
            if (done.isSuccess()) {
                connected.trySuccess(null);
                return;
            }
            Throwable cause = done.cause();
            if (failures == null) {
                failures = new StringBuilder();
            } else {
                failures.append("; ");
            }
            failures.append(Channels.address(address)).append(": ").append(cause.getMessage());
            // A refused or timed-out connect (SocketException covers both) sends nginx to the next address; a failure
            // of the proxy's own (an attempt closed because the client left, a set-up that threw) does not.
            if (!(cause instanceof SocketException)) {
                connected.tryFailure(cause);
            } else if (index + 1 < addresses.size()) {
                attempt(index + 1);
            } else {
                connected.tryFailure(index == 0 ? cause : allFailed(cause));
            }
        });
    }

    private Throwable allFailed(Throwable last) {
        String message = "no address of the upstream accepted the connection (" + failures + ")";
        Throwable combined = last instanceof ConnectTimeoutException
                ? new ConnectTimeoutException(message) : new ConnectException(message);
        return combined.initCause(last);
    }

    /**
     * What an upstream connection's {@code cause} of failure says, for the recording: {@code "unreachable: ..."},
     * {@code "did not accept the connection in time: ..."}, a TLS failure; {@code null} is a close before any answer.
     */
    static String describe(Throwable cause, Duration connectTimeout) {
        if (cause == null) {
            return "closed the connection before answering";
        }
        if (cause instanceof ConnectTimeoutException) {
            return "did not accept the connection in time: " + cause.getMessage();
        }
        if (cause instanceof SslHandshakeTimeoutException) {
            return "did not finish the TLS handshake within the connect timeout " + connectTimeout.toMillis()
                    + " ms (nginx: \"upstream timed out ... while SSL handshaking to upstream\")";
        }
        if (cause instanceof SSLException || cause.getCause() instanceof SSLException) {
            return "failed the TLS handshake: " + cause.getMessage();
        }
        return "unreachable: " + cause.getMessage();
    }
}
