package io.github.wschaos.internal;

import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** The checks and messages of an address the proxy or the Toxiproxy API listens on, the same for both. */
public final class ListenAddresses {

    private ListenAddresses() {
    }

    /**
     * Returns {@code port}.
     *
     * @throws IllegalArgumentException naming it, outside 0 (ephemeral) to 65535
     */
    public static int checkPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range; accepted are 0 (ephemeral) to 65535");
        }
        return port;
    }

    /**
     * The address {@code host} names, looked up once.
     *
     * @param what how messages name the host, e.g. {@code "listen host"}
     * @throws IllegalArgumentException naming the host when it cannot be resolved, or is not a loopback address and
     *     {@code allowNonLoopback} is false
     */
    public static InetAddress resolve(String what, String host, boolean allowNonLoopback) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(what + " '" + host + "' cannot be resolved; use an address such as 127.0.0.1", e);
        }
        if (!address.isLoopbackAddress() && !allowNonLoopback) {
            throw new IllegalArgumentException(what + " '" + host + "' is not a loopback address; accepted are 127.0.0.0/8"
                    + " and ::1, or call allowNonLoopback() (on the command line: --allow-non-loopback) to listen on it anyway");
        }
        return address;
    }

    /**
     * The error for a bind that failed: "address already in use" said as such, with what to do.
     *
     * @param action what could not be done, e.g. {@code "listen"}, {@code "serve the API"}
     */
    public static IllegalStateException bindFailure(String action, InetSocketAddress address, Exception e) {
        Throwable cause = e;
        while (cause != null && !(cause instanceof BindException)) {
            cause = cause.getCause();
        }
        String where = Channels.address(address);
        if (cause != null || String.valueOf(e.getMessage()).contains("in use")) {
            return new IllegalStateException("Cannot " + action + " on " + where + ": address already in use. "
                    + "Choose a free port, or port 0 for an ephemeral one.", e);
        }
        return new IllegalStateException("Cannot " + action + " on " + where + ": " + e.getMessage(), e);
    }
}
