package io.github.wschaos.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a {@link java.net.URI} or {@link String} parameter of a test, lifecycle method or constructor: receives the
 * address a WebSocket client should connect to, {@code ws://127.0.0.1:<port><path>} ({@code wss://} with TLS).
 * Without {@link #value()} the path and query are the upstream's; with it, the given ones
 * ({@code @ChaosProxyUri("/socket.io/?EIO=4&transport=websocket")}). Any other parameter type is an error that
 * names the parameter.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ChaosProxyUri {

    /** The path and query, starting with {@code /}; empty (the default) for the upstream's. */
    String value() default "";
}
