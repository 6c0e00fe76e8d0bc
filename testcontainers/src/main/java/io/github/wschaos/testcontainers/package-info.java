/**
 * wschaos with Testcontainers 2.x: {@link io.github.wschaos.testcontainers.ContainerUpstream} puts the chaos proxy in
 * front of a container, {@link io.github.wschaos.testcontainers.LoopbackPorts} keeps a container's ports on loopback,
 * and {@link io.github.wschaos.testcontainers.WsChaosContainer} runs the wschaos image.
 *
 * <p>The harness and the JUnit extension do not depend on this module or on Testcontainers.
 */
package io.github.wschaos.testcontainers;
