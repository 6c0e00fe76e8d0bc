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
     * The listener speaks only TLS 1.0 and 1.1, as nginx with {@code ssl_protocols TLSv1 TLSv1.1} does: a client that
     * offers neither (current JDKs, Node, browsers) gets a {@code protocol_version} alert, which the JDK reports as
     * "Received fatal alert: protocol_version" and Node as "tlsv1 alert protocol version"; a client that offers TLS 1.1
     * (OpenSSL 3's defaults: curl, Python) gets the server's hello, certificate and SHA-1-signed key exchange, and
     * refuses the signature ("legacy sigalg disallowed or unsupported"). The JDK cannot speak TLS 1.0 or 1.1, so a
     * client that accepts all of it and goes on with its key exchange has its connection closed, where nginx would
     * finish the handshake.
     */
    NO_COMMON_PROTOCOL
}
