package io.github.wschaos.internal;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import java.util.Iterator;
import java.util.Map;

/**
 * nginx's limit on a single request header line: it reads a request head into at most 4 buffers
 * ({@code large_client_header_buffers 4 8k}) and refuses a line that fits in none with
 * {@code 400 Request Header Or Cookie Too Large}. The whole head's limit is the HTTP decoder's.
 */
final class HeaderLines {

    /** How many buffers nginx reads a request head into: a line may be a quarter of the whole head. */
    static final int BUFFERS = 4;

    private HeaderLines() {
    }

    /** Marks {@code request} as failed, as a too long head, if one of its header lines is longer than {@code maxLine}. */
    static void refuseLongerThan(HttpRequest request, int maxLine) {
        if (request.decoderResult().isFailure()) {
            return;
        }
        Iterator<Map.Entry<CharSequence, CharSequence>> headers = request.headers().iteratorCharSequence();
        while (headers.hasNext()) {
            Map.Entry<CharSequence, CharSequence> header = headers.next();
            int line = header.getKey().length() + 2 + header.getValue().length() + 2; // "name: value" CRLF
            if (line > maxLine) {
                request.setDecoderResult(DecoderResult.failure(new TooLongHttpHeaderException(
                        "header " + header.getKey() + " is " + line + " bytes long, more than " + maxLine)));
                return;
            }
        }
    }
}
