/**
 * JUnit Jupiter support for wschaos: {@link io.github.wschaos.junit.WebSocketChaos} gives a test class a running chaos
 * proxy, the fault annotations ({@link io.github.wschaos.junit.DropIdleConnections},
 * {@link io.github.wschaos.junit.RespondWithStatus}, ...) arm faults for one test or a whole class, and
 * {@link io.github.wschaos.junit.WebSocketChaosExtension} is the same extension in builder form. Checked on JUnit
 * Jupiter 5.9.3, 5.10.5, 5.11.4, 5.12.2, 5.13.4 and 5.14.4 and on JUnit 6.0.3 and 6.1.3; the timeline file of a failed
 * test needs 5.12 or later.
 */
package io.github.wschaos.junit;
