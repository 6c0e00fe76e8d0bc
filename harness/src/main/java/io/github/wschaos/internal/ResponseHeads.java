package io.github.wschaos.internal;

import io.netty.handler.codec.http.HttpResponse;
import java.util.Iterator;
import java.util.Map;

/**
 * The size of a response head as the upstream wrote it, counted as nginx's {@code proxy_buffer_size} counts it: the
 * status line, every header line and the blank line, each with its CRLF. Lines are counted as {@code name: value}
 * (a byte or a few off for a server that writes {@code name:value} or pads its values).
 */
final class ResponseHeads {

    private static final int CRLF = 2;

    private ResponseHeads() {
    }

    static int size(HttpResponse response) {
        String reason = response.status().reasonPhrase();
        int size = response.protocolVersion().text().length() + 1 + response.status().codeAsText().length()
                + (reason.isEmpty() ? 0 : 1 + reason.length()) + CRLF;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> headers = response.headers().iteratorCharSequence();
                headers.hasNext();) {
            Map.Entry<CharSequence, CharSequence> header = headers.next();
            size += header.getKey().length() + 2 + header.getValue().length() + CRLF;
        }
        return size + CRLF;
    }
}
