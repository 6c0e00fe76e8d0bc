package io.github.wschaos.testing.leak;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;

/**
 * Makes Netty's leak detectors report to {@link LeakReports} as well as to the log, so that a test class can
 * fail on a leak instead of printing it. Only detectors created after {@link #install()} do so: Netty creates
 * the buffer leak detector once, when {@code AbstractByteBuf} is initialised.
 */
final class RecordingLeakDetectorFactory extends ResourceLeakDetectorFactory {

    private RecordingLeakDetectorFactory() {
    }

    /** Makes this the factory Netty uses from now on; idempotent. */
    static synchronized void install() {
        if (!(ResourceLeakDetectorFactory.instance() instanceof RecordingLeakDetectorFactory)) {
            ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingLeakDetectorFactory());
        }
    }

    @Override
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
        return new RecordingDetector<>(resource, samplingInterval);
    }

    @Override
    @SuppressWarnings("deprecation")
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
        return newResourceLeakDetector(resource, samplingInterval);
    }

    /** A detector that always reports (whatever the log level) and keeps each report. */
    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {

        RecordingDetector(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
            LeakReports.watching(resource.getSimpleName());
        }

        @Override
        protected boolean needReport() {
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            LeakReports.report("LEAK: " + resourceType + ".release() was not called before it was garbage-collected."
                    + records);
            if (!records.contains(LeakReports.DELIBERATE)) {
                super.reportTracedLeak(resourceType, records);
            }
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            LeakReports.report("LEAK: " + resourceType + ".release() was not called before it was garbage-collected "
                    + "(no access records: run with -Dio.netty.leakDetection.level=PARANOID to see where it was used)");
            super.reportUntracedLeak(resourceType);
        }
    }
}
