package io.github.wschaos.junit.internal;

import io.github.wschaos.ChaosProxy;
import io.github.wschaos.junit.WebSocketChaos;
import io.github.wschaos.junit.WebSocketChaos.Lifecycle;
import java.net.URI;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What a proxy is started with, from {@link WebSocketChaos} or from the extension's builder.
 *
 * @param upstreamTemplate the upstream with placeholders, or null
 * @param upstreamSupplier the upstream computed when first needed, or null
 * @param customizer applied to the proxy's builder last (builder form only), never null
 */
public record ChaosSettings(String upstreamTemplate, Supplier<URI> upstreamSupplier, boolean tls, long seed,
        double timeScale, int port, Lifecycle lifecycle, Consumer<ChaosProxy.Builder> customizer) {

    /** The settings an annotation declares. */
    public static ChaosSettings of(WebSocketChaos annotation) {
        return new ChaosSettings(annotation.upstream().isEmpty() ? null : annotation.upstream(), null, annotation.tls(),
                annotation.seed(), annotation.timeScale(), annotation.port(), annotation.lifecycle(), builder -> { });
    }
}
