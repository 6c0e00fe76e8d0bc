package eu.rekawek.toxiproxy;

import com.google.gson.JsonObject;
import java.io.IOException;

/**
 * toxiproxy-java's own HTTP layer ({@link HttpClient}, whose constructor is package-private) posting a toxic of any
 * type: the client's typed calls only know Toxiproxy's seven types ({@code ToxicType} is an enum), so a wschaos toxic
 * type goes through the same {@code POST /proxies/{name}/toxics} the typed calls use. (The harness's API tests use
 * the same helper; a test-jar for one class would cost more than this copy.)
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

    /** Removes a toxic of any type ({@code ToxicList.get} only reads Toxiproxy's own types). */
    public void remove(String proxy, String name) throws IOException {
        http.delete("/proxies/" + proxy + "/toxics/" + name);
    }

    /** Reads a proxy's recording (wschaos's own route) with the client's JSON reader. */
    public JsonObject recording(String proxy) throws IOException {
        return http.get("/proxies/" + proxy + "/recording");
    }
}
