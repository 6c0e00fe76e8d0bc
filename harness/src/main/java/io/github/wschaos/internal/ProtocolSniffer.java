package io.github.wschaos.internal;

import io.github.wschaos.record.Outcome;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.github.wschaos.fault.TlsMismatch;
import java.nio.channels.ClosedChannelException;
import java.util.List;

/**
 * Looks at the first bytes of a connection and answers what the wrong protocol gets from nginx.
 *
 * <ul>
 *   <li>On a plain listener, a TLS handshake (a {@code wss://} client) gets {@code 400 Bad Request} in
 *       plain text at once, which the client's TLS stack reports as an unrecognised SSL message.</li>
 *   <li>On a TLS listener, plain HTTP (a {@code ws://} client) gets nginx's
 *       {@code 400 The plain HTTP request was sent to HTTPS port}; TLS goes on to the {@link SslHandler}.</li>
 *   <li>On a plain listener, bytes that no request starts with ({@link RequestStart}) get {@code 400 Bad Request}
 *       at once, as from nginx; on a TLS listener, {@link RequestStart} judges the decrypted bytes.</li>
 * </ul>
 */
final class ProtocolSniffer extends ByteToMessageDecoder {

    private static final int TLS_RECORD_HEADER = 5;
    /** How the JDK fails on a record too short to be encrypted: OpenSSL's alert in the clear over TLS 1.3. */
    private static final String UNREADABLE_ALERT = "Insufficient buffer remaining for AEAD cipher fragment";

    private final ProxyServer server;
    private final TlsMismatch mismatch;
    private boolean rejected;

    /**
     * @param server the proxy, for its TLS material
     * @param mismatch the TLS mismatch fault that hit this connection, or null
     */
    ProtocolSniffer(ProxyServer server, TlsMismatch mismatch) {
        this.server = server;
        this.mismatch = mismatch;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (rejected) {
            in.skipBytes(in.readableBytes());
            return;
        }
        boolean tlsHandshake = in.getByte(in.readerIndex()) == 0x16;
        if (tlsHandshake && in.readableBytes() < TLS_RECORD_HEADER) {
            return;
        }
        boolean encrypted = tlsHandshake && SslHandler.isEncrypted(in, false);
        LiveConnection connection = ctx.channel().attr(ProxyServer.CONNECTION).get();
        boolean expectTls = mismatch == TlsMismatch.TLS_LISTENER
                || (server.settings().listenerTls() != null && mismatch != TlsMismatch.PLAIN_LISTENER);
        if (!expectTls && encrypted) {
            // The client reads nginx's plain 400 as a broken TLS record: its handshake fails.
            reject(ctx, in, connection, Outcome.TLS_FAILED,
                    "TLS handshake on the plain listener (a wss:// client on a ws:// port)", "400 Bad Request", "");
        } else if (expectTls && !encrypted) {
            reject(ctx, in, connection, Outcome.REJECTED, "plain HTTP on the TLS listener (a ws:// client on a wss:// port)",
                    "400 The plain HTTP request was sent to HTTPS port", "The plain HTTP request was sent to HTTPS port");
        } else if (!expectTls) {
            int verdict = RequestStart.check(ctx, in);
            if (verdict == RequestStart.PLAUSIBLE) {
                ctx.pipeline().remove(this);
            }
            rejected = verdict == RequestStart.REJECTED;
        } else {
            startTls(ctx, connection);
            ctx.pipeline().remove(this);
        }
    }

    private void startTls(ChannelHandlerContext ctx, LiveConnection connection) {
        if (mismatch == TlsMismatch.NO_COMMON_PROTOCOL) {
            ctx.pipeline().addAfter(ctx.name(), "tls",
                    new OutdatedTlsListener(connection, server.listenerTls().leaf()));
            return;
        }
        ListenerTls material = server.listenerTls();
        SslContext context = mismatch == null ? material.context() : material.context(mismatch);
        SslHandler tls = context.newHandler(ctx.alloc());
        // A client's handshake gets as long as its request head (60 s by default, as nginx's client_header_timeout gives
        // it), not Netty's 10 s: a slow network, or a DOWNSTREAM toxic that delays the handshake, must not cut it.
        tls.setHandshakeTimeoutMillis(server.settings().requestTimeout().toMillis());
        ClearAlertReader alerts = new ClearAlertReader();
        tls.handshakeFuture().addListener(handshake -> {
            if (handshake.isSuccess()) {
                if (ctx.pipeline().context(alerts) != null) {
                    ctx.pipeline().remove(alerts);
                }
            } else {
                connection.outcome(Outcome.TLS_FAILED);
                connection.failure("TLS handshake with the client failed: "
                        + handshakeFailure(handshake.cause(), alerts.alert()));
                if (!endedByTheClient(handshake.cause())) {
                    connection.closedByProxy("TLS handshake failed"); // the proxy's alert, then its FIN
                }
            }
        });
        ctx.pipeline().addAfter(ctx.name(), "tls", tls);
        ctx.pipeline().addBefore("tls", "tls-alerts", alerts);
        ctx.pipeline().addBefore("tls", "tls-fin", new FinAfterFailedHandshake(tls));
        ctx.pipeline().addAfter("tls", "tls-close", new TlsCloseAsEndOfStream());
        ctx.pipeline().addAfter("tls-close", "request-start", new RequestStart());
    }

    /**
     * What ended the handshake, in words: the TLS exception's own message (a decoder wraps it); the client's alert when
     * it came in the clear where the JDK expected it encrypted ({@code clearAlert}, see {@link ClearAlertReader}); or,
     * for an exception without a message (a connection closed mid-handshake: Python's {@code ssl} closes so on a
     * certificate it rejects), what happened.
     */
    static String handshakeFailure(Throwable cause, String clearAlert) {
        Throwable failure = unwrapped(cause);
        if (clearAlert != null && String.valueOf(failure.getMessage()).startsWith(UNREADABLE_ALERT)) {
            return clearAlert + " (sent unencrypted, as OpenSSL sends it over TLS 1.3)";
        }
        if (failure.getMessage() != null && !failure.getMessage().isBlank()) {
            return failure.getMessage();
        }
        if (failure instanceof ClosedChannelException) {
            // Who closed it, and how, the record says: a client that rejects the certificate, some without an alert,
            // or a fault of the proxy's own (a reset_peer toxic, say).
            return "the connection was closed before the handshake was done";
        }
        return failure.getClass().getName();
    }

    /**
     * Whether the client ended the handshake: with an alert of its own (a certificate it rejects; OpenSSL's over TLS 1.3
     * reaches the JDK as a record it cannot read, "Insufficient buffer remaining for AEAD cipher fragment"), or by
     * closing the connection. Otherwise the proxy refused the client's hello (no common protocol or cipher) and closes.
     */
    private static boolean endedByTheClient(Throwable cause) {
        Throwable failure = unwrapped(cause);
        String message = String.valueOf(failure.getMessage());
        return failure instanceof ClosedChannelException || message.startsWith("Received fatal alert")
                || message.startsWith(UNREADABLE_ALERT);
    }

    /** The TLS exception itself, which a decoder wraps. */
    private static Throwable unwrapped(Throwable cause) {
        return cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    }

    private void reject(ChannelHandlerContext ctx, ByteBuf in, LiveConnection connection, Outcome outcome, String failure,
            String title, String detail) {
        rejected = true;
        in.skipBytes(in.readableBytes());
        ErrorPages.reject(ctx, connection, HttpResponseStatus.BAD_REQUEST, outcome, failure, "wrong protocol", title,
                detail);
    }
}
