/**
 * Toxiproxy's HTTP control API served by wschaos: {@link io.github.wschaos.api.ChaosServer} manages named
 * WebSocket chaos proxies and their toxics for any Toxiproxy client, with every wschaos fault as an extra toxic type
 * and each proxy's recording as JSON.
 */
package io.github.wschaos.api;
