package io.github.wschaos.api;

import io.github.wschaos.ProxyCertificate;
import java.util.function.Supplier;

/**
 * What every proxy of a {@link ChaosServer} shares.
 *
 * @param seed the seed of every proxy: toxicity draws depend only on it, the toxic and the attempt
 * @param allowNonLoopback whether proxies may listen on addresses other than loopback
 * @param recordingLimit how many ended connections each proxy's recording keeps
 * @param certificate the server's one TLS authority and certificate, presented by every {@code "tls": true} proxy
 *     (generated on first use)
 */
record ServerSettings(long seed, boolean allowNonLoopback, int recordingLimit, Supplier<ProxyCertificate> certificate) {
}
