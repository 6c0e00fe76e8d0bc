/** How the extension works; not API, may change in any release. */
package io.github.wschaos.junit.internal;
