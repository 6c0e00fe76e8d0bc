package io.github.wschaos.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the static field or static no-argument method of a {@link WebSocketChaos} class that names the upstream, as a
 * {@link java.net.URI} or a {@link String} ({@code ws://host:port/path}). It is read once, when the proxy starts
 * (after the class's {@code @BeforeAll} methods unless something asks for the proxy earlier), so it may return the
 * address of a server started in {@code @BeforeAll}.
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
 * }</pre>
 *
 * <p>A class may have one; having one and {@link WebSocketChaos#upstream()} at the same time is an error.
 */
@Target({ElementType.FIELD, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ChaosUpstream {
}
