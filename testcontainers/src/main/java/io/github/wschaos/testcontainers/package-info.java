/**
 * wschaos with Testcontainers 2.x: {@link io.github.wschaos.testcontainers.ContainerUpstream} puts the chaos proxy in
 * front of a container, {@link io.github.wschaos.testcontainers.LoopbackPorts} keeps a container's ports on loopback,
 * {@link io.github.wschaos.testcontainers.WsChaosContainer} runs the wschaos image, and a {@code @ChaosUpstream} field
 * of a {@code @WebSocketChaos} class may hold a container (resolved through the JUnit extension's
 * {@code UpstreamResolver} service, registered by this module).
 *
 * <p>The harness and the JUnit extension do not depend on this module or on Testcontainers.
 */
package io.github.wschaos.testcontainers;
