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
    /** A certificate from the trusted proxy authority that expired yesterday: "certificate expired" / "validity check failed". */
    EXPIRED_CERTIFICATE,
    /** A certificate from the trusted proxy authority for {@code wrong-host.invalid}: "No subject alternative names matching". */
    WRONG_HOST_CERTIFICATE,
    /**
     * The listener offers only TLS 1.0 and 1.1, as an outdated server does, which current clients refuse: the
     * handshake fails with an alert ("protocol_version" or "handshake_failure").
     */
    NO_COMMON_PROTOCOL
}
