package io.github.wschaos.api;

/**
 * What every proxy of a {@link ChaosServer} shares.
 *
 * @param seed the seed of every proxy: toxicity draws depend only on it, the toxic and the attempt
 * @param allowNonLoopback whether proxies may listen on addresses other than loopback
 */
record ServerSettings(long seed, boolean allowNonLoopback) {
}
