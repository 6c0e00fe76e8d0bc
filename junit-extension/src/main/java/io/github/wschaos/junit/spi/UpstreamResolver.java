package io.github.wschaos.junit.spi;

import java.net.URI;

/**
 * Turns the value of a {@link io.github.wschaos.junit.ChaosUpstream} field or method that is neither a
 * {@link URI} nor a {@link String} into the proxy's upstream, when the proxy starts. This is how a library lets its own
 * objects name an upstream without the extension depending on it: {@code wschaos-testcontainers} resolves a
 * Testcontainers container to the host and mapped port of one of its exposed ports.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/io.github.wschaos.junit.spi.UpstreamResolver}. It needs a public no-argument constructor.
 * The first resolver whose {@link #supports(Object)} accepts the value resolves it; when none does, the test fails
 * with a message naming the member, the value's type and the resolvers found.
 */
public interface UpstreamResolver {

    /**
     * Whether this resolver turns {@code value} into an upstream.
     *
     * @param value the member's value, never null
     * @return true to be asked to {@link #resolve} it
     */
    boolean supports(Object value);

    /**
     * The upstream for {@code value}.
     *
     * @param value a value {@link #supports(Object)} accepted
     * @param request the member and the annotation's {@code port} and {@code path}
     * @return {@code ws://host:port/path} or {@code wss://...}
     * @throws RuntimeException with a message that says what is wrong and what to do (e.g. the container is not
     *         started); the test fails with it, prefixed with the member's name
     */
    URI resolve(Object value, Request request);

    /**
     * What a {@code @ChaosUpstream} member asks for.
     *
     * @param member the member, as messages name it, e.g. {@code field com.example.ChatTest.echo}
     * @param memberName the field's or method's simple name, e.g. {@code echo}
     * @param port the annotation's {@code port}: a port of the value (a container's exposed port), or 0 for its only one
     * @param path the annotation's {@code path}: path and query, starting with {@code /}
     */
    record Request(String member, String memberName, int port, String path) {
    }
}
