/**
 * JUnit Jupiter support for wschaos: {@link io.github.wschaos.junit.WebSocketChaos} gives a test class a running chaos
 * proxy, the fault annotations ({@link io.github.wschaos.junit.DropIdleConnections},
 * {@link io.github.wschaos.junit.RespondWithStatus}, ...) arm faults for one test or a whole class, and
 * {@link io.github.wschaos.junit.WebSocketChaosExtension} is the same extension in builder form. Works on JUnit
 * Jupiter 5.10 and later, and on JUnit 6.
 */
package io.github.wschaos.junit;
