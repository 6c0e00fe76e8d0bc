package io.github.wschaos.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Toxiproxy's routes over one {@link ProxyCollection}: the same paths, methods, status codes and bodies as its
 * {@code api.go} (gorilla/mux's {@code 404 page not found} and empty {@code 405} included, and its refusal of
 * browsers), plus wschaos's {@code /proxies/{name}/recording} and {@code /certificate}. Each request runs on one API thread, in order, so
 * that the proxies it starts and closes never hold up the I/O thread.
 */
final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    /** The Toxiproxy version whose API this one follows. */
    static final String TOXIPROXY_VERSION = "2.12.0";
    /** This wschaos's version, also in {@code /version}. */
    static final String WSCHAOS_VERSION = "0.1.0";

    /**
     * The largest request body taken (16 MiB; Toxiproxy sets none): room for a {@code /populate} of many proxies with
     * {@code upstream_ca} bundles. A larger one gets {@code 413} with no body.
     */
    static final int MAX_BODY = 16 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    private static final String JSON = "application/json";
    private static final String PEM = "application/x-pem-file";

    private final ProxyCollection collection;
    private final Executor apiThread;

    ApiHandler(ProxyCollection collection, Executor apiThread) {
        this.collection = collection;
        this.apiThread = apiThread;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        request.retain();
        try {
            apiThread.execute(() -> {
                try {
                    handle(ctx, request);
                } finally {
                    request.release();
                }
            });
        } catch (RejectedExecutionException e) {
            request.release();
            ctx.close();
        }
    }

    private void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        FullHttpResponse response;
        try {
            response = respond(request);
        } catch (BadTarget e) {
            // Go's server refuses a request target it cannot parse (an invalid %-escape) before any route runs.
            response = text(HttpResponseStatus.BAD_REQUEST, "400 Bad Request");
            keepAlive = false;
        } catch (ApiError e) {
            response = error(e.status, e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            // A LinkageError too: a class that cannot be loaded (the jar replaced under the running server) gets the
            // client a 500 naming it, not a connection closed without a word.
            LOG.warn("{} {} failed", request.method(), request.uri(), e);
            response = error(500, String.valueOf(e.getMessage()));
        }
        LOG.debug("{} {} -> {}", request.method(), request.uri(), response.status().code());
        if (response.status().code() != 204) {
            HttpUtil.setContentLength(response, response.content().readableBytes());
        }
        if (keepAlive) {
            if (!request.protocolVersion().isKeepAliveDefault()) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private FullHttpResponse respond(FullHttpRequest request) {
        String body = request.content().toString(StandardCharsets.UTF_8);
        List<String> path = segments(new QueryStringDecoder(request.uri()).rawPath());
        Route route = path == null ? NOT_FOUND : route(request.method().name(), path, body);
        if (route == NOT_FOUND || route == NOT_ALLOWED) {
            return route.run();
        }
        // gorilla/mux runs Toxiproxy's middleware only on a matched route: a browser gets 404 and 405 like anyone.
        if (request.headers().get(HttpHeaderNames.USER_AGENT, "").startsWith("Mozilla/")) {
            return httpError(HttpResponseStatus.FORBIDDEN, "User agent not allowed");
        }
        return route.run();
    }

    /** What {@code method} on {@code path} does: a route, {@link #NOT_FOUND} or {@link #NOT_ALLOWED}. */
    private Route route(String method, List<String> path, String body) {
        if (path.size() == 1) {
            return switch (path.get(0)) {
                case "version" -> only(method, "GET", () -> text(HttpResponseStatus.OK, JSON + ";charset=utf-8",
                        "{\"version\": \"" + TOXIPROXY_VERSION + "\", \"wschaos\": \"" + WSCHAOS_VERSION + "\"}\n"));
                case "reset" -> only(method, "POST", () -> {
                    collection.reset();
                    return noContent();
                });
                case "populate" -> only(method, "POST", () -> {
                    try {
                        ProxyCollection.Populated populated = collection.populate(body);
                        return json(HttpResponseStatus.valueOf(populated.status()), populated.body());
                    } catch (ApiError e) {
                        // Toxiproxy's Populate answers every error as JSON, with the proxies done: none here.
                        ObjectNode failed = ProxyCollection.MAPPER.createObjectNode().put("error", e.getMessage())
                                .put("status", e.status).putNull("proxies");
                        return json(HttpResponseStatus.valueOf(e.status), failed);
                    }
                });
                case "proxies" -> switch (method) {
                    case "GET" -> () -> json(HttpResponseStatus.OK, collection.list());
                    case "POST" -> () -> json(HttpResponseStatus.CREATED, collection.create(body));
                    default -> NOT_ALLOWED;
                };
                case "certificate" -> only(method, "GET", () -> text(HttpResponseStatus.OK, PEM,
                        collection.certificate().pem()));
                default -> NOT_FOUND;
            };
        }
        if (path.size() > 4 || !path.get(0).equals("proxies")) {
            return NOT_FOUND;
        }
        String name = path.get(1);
        if (path.size() == 2) {
            return switch (method) {
                case "GET" -> () -> json(HttpResponseStatus.OK, collection.show(name));
                case "POST", "PATCH" -> () -> json(HttpResponseStatus.OK, collection.update(name, body));
                case "DELETE" -> () -> {
                    collection.delete(name);
                    return noContent();
                };
                default -> NOT_ALLOWED;
            };
        }
        if (path.size() == 3 && path.get(2).equals("toxics")) {
            return switch (method) {
                case "GET" -> () -> json(HttpResponseStatus.OK, collection.toxics(name));
                case "POST" -> () -> json(HttpResponseStatus.OK, collection.createToxic(name, body));
                default -> NOT_ALLOWED;
            };
        }
        if (path.size() == 3 && path.get(2).equals("recording")) {
            return switch (method) {
                case "GET" -> () -> json(HttpResponseStatus.OK, collection.recording(name));
                case "DELETE" -> () -> {
                    collection.clearRecording(name);
                    return noContent();
                };
                default -> NOT_ALLOWED;
            };
        }
        if (path.size() == 4 && path.get(2).equals("toxics")) {
            String toxic = path.get(3);
            return switch (method) {
                case "GET" -> () -> json(HttpResponseStatus.OK, collection.showToxic(name, toxic));
                case "POST", "PATCH" -> () -> json(HttpResponseStatus.OK, collection.updateToxic(name, toxic, body));
                case "DELETE" -> () -> {
                    collection.deleteToxic(name, toxic);
                    return noContent();
                };
                default -> NOT_ALLOWED;
            };
        }
        return NOT_FOUND;
    }

    /** The path's segments, or null when one is empty (gorilla/mux matches no route then). */
    private static List<String> segments(String path) {
        if (!path.startsWith("/") || path.length() == 1) {
            return null;
        }
        // Split before decoding: a name with an encoded '/' ("a%2Fb") is one segment, as in Toxiproxy's router.
        List<String> segments;
        try {
            segments = Arrays.stream(path.substring(1).split("/", -1))
                    .map(segment -> QueryStringDecoder.decodeComponent(segment.replace("+", "%2B"))).toList(); // '+' is no space in a path
        } catch (IllegalArgumentException e) {
            throw new BadTarget();
        }
        return segments.stream().anyMatch(String::isEmpty) ? null : segments;
    }

    /** A request target with an invalid {@code %}-escape. */
    private static final class BadTarget extends RuntimeException {
        BadTarget() {
            super(null, null, false, false);
        }
    }

    private interface Route {
        FullHttpResponse run();
    }

    /** gorilla/mux's answer to an unknown path: Go's {@code http.NotFound}. */
    private static final Route NOT_FOUND = ApiHandler::notFound;
    /** gorilla/mux's answer to a known path with another method: 405, no body. */
    private static final Route NOT_ALLOWED = ApiHandler::notAllowed;

    private static Route only(String method, String allowed, Route route) {
        return allowed.equals(method) ? route : NOT_ALLOWED;
    }

    private static FullHttpResponse json(HttpResponseStatus status, JsonNode body) {
        try {
            return response(status, JSON, ProxyCollection.MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not write JSON: " + e.getMessage(), e);
        }
    }

    /** Go's {@code http.Error} with the JSON of an {@code ApiError}: text/plain, a trailing newline. */
    static FullHttpResponse error(int status, String message) {
        String body;
        try {
            body = ProxyCollection.MAPPER.writeValueAsString(
                    ProxyCollection.MAPPER.createObjectNode().put("error", message).put("status", status));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return httpError(HttpResponseStatus.valueOf(status), body);
    }

    private static FullHttpResponse notFound() {
        return httpError(HttpResponseStatus.NOT_FOUND, "404 page not found");
    }

    /** Go's {@code http.Error}: the text and a newline, as text/plain, with {@code nosniff}. */
    private static FullHttpResponse httpError(HttpResponseStatus status, String text) {
        FullHttpResponse response = text(status, text + "\n");
        response.headers().set("X-Content-Type-Options", "nosniff");
        return response;
    }

    private static FullHttpResponse notAllowed() {
        return response(HttpResponseStatus.METHOD_NOT_ALLOWED, null, new byte[0]);
    }

    private static FullHttpResponse noContent() {
        return response(HttpResponseStatus.NO_CONTENT, null, new byte[0]);
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body) {
        return text(status, "text/plain; charset=utf-8", body);
    }

    private static FullHttpResponse text(HttpResponseStatus status, String contentType, String body) {
        return response(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    private static FullHttpResponse response(HttpResponseStatus status, String contentType, byte[] body) {
        ByteBuf content = body.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        if (contentType != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        return response;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("API connection failed: {}", cause.toString());
        ctx.close();
    }
}
