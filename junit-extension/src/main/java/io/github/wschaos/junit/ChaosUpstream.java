package io.github.wschaos.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the static field or static no-argument method of a {@link WebSocketChaos} class that names the upstream. It is
 * read once, when the proxy starts (after the class's {@code @BeforeAll} methods unless something asks for the proxy
 * earlier), so it may name a server started in {@code @BeforeAll}. Its value is one of:
 * <ul>
 *   <li>a {@link java.net.URI} or a {@link String}, {@code ws://host:port/path};</li>
 *   <li>any other object that an {@link io.github.wschaos.junit.spi.UpstreamResolver} on the class path turns into
 *       one, with {@link #port()} and {@link #path()}: with {@code wschaos-testcontainers}, a Testcontainers container
 *       (the upstream is then the host and mapped port of its exposed port {@code port}, at {@code path}).</li>
 * </ul>
 *
 * <pre>{@code
 * @WebSocketChaos
 * class ChatTest {
 *     static EchoServer server;
 *
 *     @BeforeAll static void startServer() { server = EchoServer.start(); }
 *
 *     @ChaosUpstream static URI upstream() { return server.uri(); }
 * }
 *
 * @Testcontainers
 * @WebSocketChaos
 * class ChatContainerTest {
 *     @Container
 *     @ChaosUpstream(port = 8080, path = "/chat")
 *     static GenericContainer<?> chat = new GenericContainer<>("my/chat:1").withExposedPorts(8080);
 * }
 * }</pre>
 *
 * <p>A class may have one; having one and {@link WebSocketChaos#upstream()} at the same time is an error. Superclasses
 * count, except that a static field or method of a subclass hides its superclass's of the same name (and parameter
 * types), as in Java: the most derived one is used, so a subclass can override its base class's upstream.
 */
@Target({ElementType.FIELD, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ChaosUpstream {

    /**
     * For a value an {@link io.github.wschaos.junit.spi.UpstreamResolver} resolves: which of its ports (for a
     * container, the exposed port inside it). 0, the default, means its only one. Not allowed with a URI or String
     * value, which carries its own port.
     */
    int port() default 0;

    /**
     * For a value an {@link io.github.wschaos.junit.spi.UpstreamResolver} resolves: the path and query the proxy
     * forwards to, starting with {@code /}. Not allowed with a URI or String value, which carries its own path.
     */
    String path() default "/";
}
