package eu.rekawek.toxiproxy;

import com.google.gson.JsonObject;
import java.io.IOException;

/**
 * toxiproxy-java's own HTTP layer ({@link HttpClient}, whose constructor is package-private) posting a toxic of any
 * type: the client's typed calls only know Toxiproxy's seven types ({@code ToxicType} is an enum), so a wschaos toxic
 * type goes through the same {@code POST /proxies/{name}/toxics} the typed calls use.
 */
public final class GenericToxics {

    private final HttpClient http;

    public GenericToxics(String host, int port) {
        this.http = new HttpClient("http", host, port);
    }

    /** Creates a toxic and returns the server's JSON for it. */
    public JsonObject create(String proxy, String name, String type, String stream, float toxicity, JsonObject attributes)
            throws IOException {
        JsonObject toxic = new JsonObject();
        toxic.addProperty("name", name);
        toxic.addProperty("type", type);
        toxic.addProperty("stream", stream);
        toxic.addProperty("toxicity", toxicity);
        toxic.add("attributes", attributes);
        return http.post("/proxies/" + proxy + "/toxics", toxic);
    }

    /** Changes a toxic's attributes (merged over its current ones), as the typed calls' setters do. */
    public JsonObject update(String proxy, String name, JsonObject attributes) throws IOException {
        JsonObject toxic = new JsonObject();
        toxic.add("attributes", attributes);
        return http.post("/proxies/" + proxy + "/toxics/" + name, toxic);
    }

    /** Removes a toxic, as {@code Toxic.remove()} does (the typed lookup cannot read a wschaos type). */
    public void remove(String proxy, String name) throws IOException {
        int status = http.delete("/proxies/" + proxy + "/toxics/" + name);
        if (status != 204) {
            throw new IOException("DELETE toxic " + name + " answered " + status);
        }
    }

    /** Creates a proxy from its JSON, wschaos's fields ({@code tls}, {@code upstream_ca}) included. */
    public JsonObject createProxy(JsonObject proxy) throws IOException {
        return http.post("/proxies", proxy);
    }

    /** The server's TLS authority in PEM form (wschaos's {@code GET /certificate}). */
    public String certificate() throws IOException {
        return http.getPlain("/certificate");
    }

    /** Reads a proxy's recording (wschaos's own route) with the client's JSON reader. */
    public JsonObject recording(String proxy) throws IOException {
        return http.get("/proxies/" + proxy + "/recording");
    }
}
