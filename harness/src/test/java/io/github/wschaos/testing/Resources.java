package io.github.wschaos.testing;

/** Teardown of what a test started: every resource closed, whichever failed or was never started. */
public final class Resources {

    private Resources() {
    }

    /**
     * Closes each resource that is not null, in order; a failure to close one does not keep the next open. The first
     * failure is thrown afterwards, the others suppressed on it.
     */
    public static void closeAll(AutoCloseable... resources) throws Exception {
        Exception first = null;
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
