package io.github.wschaos.fault;

/** The ways TLS goes wrong between a client and a proxy, each as the client meets it. */
public enum TlsMismatch {
    /**
     * The listener speaks plain HTTP to a {@code wss://} client: its handshake gets a plain-text
     * {@code 400 Bad Request}, which Java clients report as "Unrecognized SSL message, plaintext connection?"
     * or "Unsupported or unrecognized SSL message".
     */
    PLAIN_LISTENER,
    /**
     * The listener expects TLS from a {@code ws://} client: it answers as nginx does,
     * {@code 400 Bad Request} with "The plain HTTP request was sent to HTTPS port".
     */
    TLS_LISTENER,
    /** A self-signed certificate nobody trusts: Java clients fail with "PKIX path building failed". */
    UNTRUSTED_CERTIFICATE,
    /**
     * A certificate from the trusted proxy authority that expired yesterday: the JDK reports "PKIX path validation
     * failed: ... validity check failed" (a {@code CertificateExpiredException}), OpenSSL "certificate has expired".
     */
    EXPIRED_CERTIFICATE,
    /** A certificate from the trusted proxy authority for {@code wrong-host.invalid}: "No subject alternative names matching". */
    WRONG_HOST_CERTIFICATE,
    /**
     * The listener speaks only TLS 1.0 and 1.1, as an outdated server does: it answers the client's hello selecting
     * TLS 1.1, which current clients refuse with a {@code protocol_version} alert. The JDK reports "The server selected
     * protocol version TLS11 is not accepted by client preferences [TLS13, TLS12]", OpenSSL (curl, Python, Node)
     * "unsupported protocol", Chromium {@code ERR_SSL_VERSION_OR_CIPHER_MISMATCH}. A client that offers none of those
     * versions' cipher suites gets a {@code handshake_failure} alert. The JDK cannot speak TLS 1.0 or 1.1, so a client
     * that accepts TLS 1.1 gets no further than the server's hello and waits until it gives up.
     */
    NO_COMMON_PROTOCOL
}
