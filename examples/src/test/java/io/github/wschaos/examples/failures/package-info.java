/**
 * One runnable test class per real-world cause of a failing WebSocket, in the order a developer meets them
 * ({@code Ex01} to {@code Ex09}): each shows the symptom with a real client against a real server through the chaos
 * proxy, then the fix.
 */
package io.github.wschaos.examples.failures;
