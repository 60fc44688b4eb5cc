package io.museflow.learn;

/**
 * Whether the float kernels run on the Vector API ({@link VectorMath}, {@code rnn.VectorCells}).
 *
 * <p>The Vector API is an incubator module in JDK 17: a JVM resolves it only when started with
 * {@code --add-modules=jdk.incubator.vector} ({@code submit/java17-opens} passes it to every driver
 * and executor; the build passes it to the tests). Without the flag the same jar runs the plain loops
 * of {@code FloatCells} and {@link FloatMath}, which C2 vectorizes less well: a 64-unit loop runs
 * mostly in its scalar pre- and post-loops (4 × BiGRU at the papers' shape on one CPU: 1.83 against
 * 1.52 s/epoch, BENCHMARKS.md). The classes that
 * name {@code jdk.incubator.vector} types are loaded only when this says so, so a JVM without the
 * module never touches them. {@code -Dmuseflow.simd=false} keeps the plain loops with the module
 * present (for comparisons).
 */
public final class Simd {
    /** The module that has to be resolved. */
    public static final String MODULE = "jdk.incubator.vector";
    /** The system property that, set to {@code false}, turns the vector kernels off. */
    public static final String PROPERTY = "museflow.simd";
    /** True when the vector kernels are in use. */
    public static final boolean ENABLED = ModuleLayer.boot().findModule(MODULE).isPresent()
            && !"false".equalsIgnoreCase(System.getProperty(PROPERTY));

    private Simd() {
    }
}
