package io.github.wschaos.junit.internal;

import io.github.wschaos.fault.Fault;
import io.github.wschaos.fault.FaultHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One test's hold on a proxy and the faults its annotations armed. Closing it (from the extension's after-each, or by
 * the store when that never ran) disarms them and tells the holder the test is over, exactly once.
 */
@SuppressWarnings("deprecation") // CloseableResource: what JUnit before 5.13 closes; later ones close AutoCloseable
final class TestFaults implements ExtensionContext.Store.CloseableResource, AutoCloseable {

    private final ProxyHolder holder;
    private final List<FaultHandle> handles = new ArrayList<>();
    private final List<String> armed = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    TestFaults(ProxyHolder holder) {
        this.holder = holder;
        holder.testStarted();
    }

    ProxyHolder holder() {
        return holder;
    }

    /** Arms every fault of {@code declared}; a fault the proxy refuses fails with the annotation named. */
    synchronized void arm(FaultAnnotations.Declared declared) {
        for (Fault fault : declared.faults()) {
            try {
                handles.add(holder.proxy().inject(fault, declared.target()));
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new ExtensionConfigurationException(declared.where() + ": " + e.getMessage(), e);
            }
            armed.add(fault + " (" + declared.target() + ") from " + declared.where());
        }
    }

    /** The faults armed from annotations, as the failure report lists them. */
    synchronized List<String> armed() {
        return List.copyOf(armed);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            synchronized (this) {
                handles.forEach(FaultHandle::close);
            }
        } finally {
            holder.testFinished();
        }
    }
}
