/**
 * The browser example: headless Chromium, driven by Selenium, loads a page whose native {@code WebSocket}
 * reconnects through the chaos proxy; the test reads the proxy's recording and the browser's console.
 */
package io.github.wschaos.examples.browser;
