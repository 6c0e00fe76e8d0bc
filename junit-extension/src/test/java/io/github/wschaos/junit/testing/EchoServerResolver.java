package io.github.wschaos.junit.testing;

import io.github.wschaos.junit.spi.UpstreamResolver;
import java.net.URI;

/**
 * An {@link UpstreamResolver} for the tests' {@link EchoServer}, registered in {@code META-INF/services} the way a
 * library registers its own: a {@code @ChaosUpstream} member holding an {@code EchoServer} names it as upstream.
 */
public final class EchoServerResolver implements UpstreamResolver {

    @Override
    public boolean supports(Object value) {
        return value instanceof EchoServer;
    }

    @Override
    public URI resolve(Object value, Request request) {
        EchoServer server = (EchoServer) value;
        if (request.port() != 0 && request.port() != server.port()) {
            throw new IllegalArgumentException("the echo server in " + request.memberName() + " listens on port "
                    + server.port() + ", not " + request.port());
        }
        return URI.create("ws://127.0.0.1:" + server.port() + request.path());
    }
}
