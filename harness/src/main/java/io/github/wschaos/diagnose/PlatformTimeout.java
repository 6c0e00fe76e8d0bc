package io.github.wschaos.diagnose;

/**
 * A platform's default idle timeout, as the report names it, and which one an observed idle timeout matches:
 * Heroku's router 55 s, nginx's {@code proxy_read_timeout}, Apache's {@code Timeout} and an AWS ALB's idle timeout
 * 60 s, Cloudflare 100 s.
 *
 * @param description the platform and its timeout, e.g. "Cloudflare's idle timeout (100 s)"
 * @param seconds the default, in seconds
 */
record PlatformTimeout(String description, double seconds) {

    /**
     * The platform whose default idle timeout is within 10 % of {@code seconds}, nearest first; null if none.
     * {@code proxy}, from the {@code Server} or {@code Via} header, tells nginx and Apache from an AWS ALB.
     */
    static PlatformTimeout nearest(double seconds, Fixes.Proxy proxy) {
        PlatformTimeout best = null;
        double distance = Double.MAX_VALUE;
        for (Object[] known : new Object[][] {
                {"Heroku's router (55 s, data either way)", 55.0},
                {proxy == Fixes.Proxy.AWS_ALB ? "an AWS ALB's default idle timeout (60 s)"
                        : proxy == Fixes.Proxy.NGINX ? "nginx's default proxy_read_timeout (60 s)"
                        : proxy == Fixes.Proxy.APACHE ? "Apache's default Timeout (60 s), which mod_proxy applies to an upgraded"
                                + " connection unless ProxyTimeout is larger"
                        : "nginx's default proxy_read_timeout or an AWS ALB's default idle timeout (60 s)", 60.0},
                {"Cloudflare's idle timeout (100 s)", 100.0}}) {
            double value = (Double) known[1];
            double d = Math.abs(seconds - value);
            if (d <= value * 0.10 && d < distance) {
                best = new PlatformTimeout((String) known[0], value);
                distance = d;
            }
        }
        return best;
    }
}
