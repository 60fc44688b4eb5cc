package io.museflow.metrics;

import java.io.Serializable;

/**
 * Streaming, mergeable first and second moments of (prediction, gold) pairs: means, variances,
 * covariance and squared error. Merging the accumulators of several videos gives exactly the
 * moments of their concatenation, which is what the MuSe evaluation CCC is computed on; updates
 * follow Welford / Chan, so long partitions with large means do not lose precision.
 *
 * <p>Conventions for degenerate inputs (never NaN when at least one pair was added): a constant
 * prediction or gold series has Pearson 0; CCC is 1 only when predictions and gold are the same
 * constant (the denominator is then 0 and the agreement perfect), otherwise its formula applies
 * and gives 0 for a constant prediction.
 */
public final class PairMoments implements Serializable {
    private static final long serialVersionUID = 1L;

    private long n;
    private double meanP;
    private double meanG;
    private double m2P;
    private double m2G;
    private double coM;
    private double sqErr;

    /**
     * The accumulator of {@code n} pairs from their means, sums of squared deviations (variance
     * times n), co-moment and sum of squared errors, as a database's aggregates give them.
     */
    public static PairMoments of(long n, double meanP, double meanG, double m2P, double m2G, double coM,
                                 double sqErr) {
        if (n < 0 || (n == 0 && (meanP != 0 || meanG != 0 || m2P != 0 || m2G != 0 || coM != 0 || sqErr != 0))) {
            throw new IllegalArgumentException("moments of " + n + " pairs");
        }
        PairMoments m = new PairMoments();
        m.n = n;
        m.meanP = meanP;
        m.meanG = meanG;
        m.m2P = m2P;
        m.m2G = m2G;
        m.coM = coM;
        m.sqErr = sqErr;
        return m;
    }

    /** Adds one pair; callers skip masked frames and frames without a gold label. */
    public PairMoments add(double prediction, double gold) {
        n++;
        double dp = prediction - meanP;
        double dg = gold - meanG;
        meanP += dp / n;
        meanG += dg / n;
        m2P += dp * (prediction - meanP);
        m2G += dg * (gold - meanG);
        coM += dp * (gold - meanG);
        double e = prediction - gold;
        sqErr += e * e;
        return this;
    }

    /**
     * Adds the pairs of two aligned arrays where {@code mask} (may be null) is true and gold is not
     * NaN. A NaN prediction on such a frame is an error: it would silently poison the metric.
     */
    public PairMoments addAll(float[] predictions, float[] gold, boolean[] mask) {
        if (predictions.length != gold.length || (mask != null && mask.length != gold.length)) {
            throw new IllegalArgumentException("lengths differ: " + predictions.length + " predictions, " + gold.length
                    + " labels" + (mask == null ? "" : ", " + mask.length + " mask entries"));
        }
        for (int i = 0; i < gold.length; i++) {
            if ((mask == null || mask[i]) && !Float.isNaN(gold[i])) {
                if (Float.isNaN(predictions[i])) {
                    throw new IllegalArgumentException("prediction " + i + " is NaN");
                }
                add(predictions[i], gold[i]);
            }
        }
        return this;
    }

    /** Merges another accumulator into this one (Chan et al.) and returns this. */
    public PairMoments merge(PairMoments o) {
        if (o.n == 0) {
            return this;
        }
        if (n == 0) {
            n = o.n;
            meanP = o.meanP;
            meanG = o.meanG;
            m2P = o.m2P;
            m2G = o.m2G;
            coM = o.coM;
            sqErr = o.sqErr;
            return this;
        }
        long total = n + o.n;
        double dp = o.meanP - meanP;
        double dg = o.meanG - meanG;
        double w = (double) n * o.n / total;
        m2P += o.m2P + dp * dp * w;
        m2G += o.m2G + dg * dg * w;
        coM += o.coM + dp * dg * w;
        meanP += dp * o.n / total;
        meanG += dg * o.n / total;
        sqErr += o.sqErr;
        n = total;
        return this;
    }

    public long count() {
        return n;
    }

    /** Concordance correlation coefficient; NaN only when no pair was added. */
    public double ccc() {
        if (n == 0) {
            return Double.NaN;
        }
        double diff = meanP - meanG;
        double denominator = m2P + m2G + n * diff * diff;
        if (denominator == 0) {
            return 1.0;
        }
        return 2 * coM / denominator;
    }

    /** Pearson correlation; 0 when either series is constant, NaN only when empty. */
    public double pearson() {
        if (n == 0) {
            return Double.NaN;
        }
        if (m2P <= 0 || m2G <= 0) {
            return 0.0;
        }
        return coM / Math.sqrt(m2P * m2G);
    }

    public double rmse() {
        return n == 0 ? Double.NaN : Math.sqrt(sqErr / n);
    }

}
