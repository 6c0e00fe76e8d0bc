/**
 * Clients written here to show what the wschaos assertions catch: {@link io.github.wschaos.examples.ReconnectingWebSocket},
 * a reference reconnecting client on the JDK's WebSocket, with and without the classic reset-on-open bug. The tests
 * next to them prove the assertions against clients nobody here wrote: socket.io-client, Tyrus and OkHttp.
 */
package io.github.wschaos.examples;
