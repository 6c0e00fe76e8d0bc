/**
 * Small real peers for the examples: a Jetty 12 application server with WebSocket endpoints and plain pages, the
 * JDK's WebSocket client wrapped to show what a user sees, and a reconnecting client with backoff and heartbeat.
 */
package io.github.wschaos.examples.support;
