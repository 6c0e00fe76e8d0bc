/**
 * Extension points of the JUnit extension for other libraries (not needed to write tests):
 * {@link io.github.wschaos.junit.spi.UpstreamResolver} lets a library's objects name a proxy's upstream.
 */
package io.github.wschaos.junit.spi;
