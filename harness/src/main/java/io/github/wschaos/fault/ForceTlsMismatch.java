package io.github.wschaos.fault;

import java.util.Objects;

/**
 * TLS between the client and the proxy goes wrong in one of the {@link TlsMismatch} ways: {@code ws://} against
 * a TLS port, {@code wss://} against a plain port, a certificate that is untrusted, expired or for another host,
 * or no protocol in common. The upstream is never contacted; the attempt is recorded as {@code TLS_FAILED}
 * or as {@code REJECTED 400}, as the client met it.
 *
 * <p>The certificate modes need a proxy built with {@code tls()}: their certificates are issued by the same
 * in-memory authority the client trusts, so only the flaw named fails the handshake.
 *
 * @param mode which mismatch
 */
public record ForceTlsMismatch(TlsMismatch mode) implements Fault {

    public ForceTlsMismatch {
        Objects.requireNonNull(mode, "mode");
    }

    @Override
    public String name() {
        return "tls-mismatch";
    }

    @Override
    public Stage stage() {
        return Stage.CONNECT;
    }
}
