package io.github.wschaos.diagnose;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import javax.net.ssl.TrustManagerFactory;

/**
 * The settings of one diagnosis, as {@link Diagnostics.Builder} collected them.
 *
 * @param endpoint the endpoint contacted
 * @param origin the {@code Origin} sent in the handshake, or null for none
 * @param headers the extra request headers, in the order given
 * @param idle how long the idle step holds a connection open, or null when it is not asked
 * @param timeout the bound on each connect, TLS handshake, upgrade answer and pong
 * @param insecure whether to continue past certificate problems
 * @param trust the trust material for {@code wss://}, or null for the JDK's trust store
 * @param timeScale the time scale of the endpoint's timeouts
 * @param progress where progress messages go
 * @param echo whether the endpoint is taken to echo text messages
 */
record DiagnosisOptions(Endpoint endpoint, String origin, Map<String, String> headers, Duration idle, Duration timeout,
        boolean insecure, TrustManagerFactory trust, double timeScale, Consumer<String> progress, boolean echo) {
}
