package io.museflow.learn;

import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.factory.Nd4j;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs two independent pieces of work (the two directions of a bidirectional layer) side by side
 * when the trial may use more than one thread, one after the other otherwise. The caller's thread
 * always does the first piece and, if no helper thread has started the second by then, the second
 * too: a busy machine never makes a layer wait for a thread.
 */
public final class TwoWay {
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final ExecutorService HELPERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "museflow-two-way-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private TwoWay() {
    }

    /** The threads one trial may use: ND4J's setting (OMP_NUM_THREADS, or the sweep's per-trial threads). */
    public static int threads() {
        return Nd4j.getEnvironment().maxThreads();
    }

    public static void run(Runnable first, Runnable second) {
        int threads = threads();
        if (threads < 2) {
            first.run();
            second.run();
            return;
        }
        // Each piece multiplies on its own thread: OpenBLAS threading its calls as well would put
        // four busy threads on two CPUs (its idle workers spin), so it runs single-threaded until
        // both pieces are done.
        openblas_nolapack.blas_set_num_threads(1);
        try {
            inParallel(first, second);
        } finally {
            openblas_nolapack.blas_set_num_threads(threads);
        }
    }

    private static void inParallel(Runnable first, Runnable second) {
        AtomicBoolean claimed = new AtomicBoolean();
        Throwable[] failure = new Throwable[1];
        Object done = new Object();
        boolean[] finished = new boolean[1];
        HELPERS.execute(() -> {
            if (!claimed.compareAndSet(false, true)) {
                return;
            }
            try {
                second.run();
            } catch (Throwable t) {
                failure[0] = t;
            } finally {
                synchronized (done) {
                    finished[0] = true;
                    done.notifyAll();
                }
            }
        });
        first.run();
        if (claimed.compareAndSet(false, true)) {
            second.run();
            return;
        }
        synchronized (done) {
            while (!finished[0]) {
                try {
                    done.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the other direction", e);
                }
            }
        }
        if (failure[0] instanceof RuntimeException re) {
            throw re;
        }
        if (failure[0] instanceof Error err) {
            throw err;
        }
        if (failure[0] != null) {
            throw new IllegalStateException(failure[0]);
        }
    }
}
