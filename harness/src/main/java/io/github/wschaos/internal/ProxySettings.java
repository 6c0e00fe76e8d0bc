package io.github.wschaos.internal;

import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * What the proxy server needs, resolved and checked by the public builder.
 *
 * @param listen where to listen
 * @param listenerTls the TLS material for {@code wss://} clients, or null for a plain listener
 * @param upstreamTls the client TLS context used towards a {@code wss://} upstream
 * @param verifyUpstreamHostname whether the upstream certificate must match the upstream host name
 * @param connectTimeout how long to wait for the upstream's TCP (and TLS) connection
 * @param requestTimeout how long a client may take to send its request head before the proxy closes
 * @param maxHeaderSize the largest request headers accepted from a client, in bytes, in all (a line: a quarter)
 * @param maxUpstreamHeaderSize the largest response head taken from the upstream, in bytes, its status line and blank
 *     line included; a larger one gets the client {@code 502}
 * @param ioThreads the number of event-loop threads
 */
public record ProxySettings(
        InetSocketAddress listen,
        ListenerTls listenerTls,
        SslContext upstreamTls,
        boolean verifyUpstreamHostname,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxHeaderSize,
        int maxUpstreamHeaderSize,
        int ioThreads) {
}
