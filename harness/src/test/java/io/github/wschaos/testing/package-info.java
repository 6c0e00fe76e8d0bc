/** Real WebSocket peers for tests: echo servers (Netty, Jetty, Node's ws), client adapters and scripted peers. */
package io.github.wschaos.testing;
