package io.museflow.synth;

import io.museflow.config.MuseLayout;
import io.museflow.data.Partition;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded, deterministic MuSe-style package: the same configuration always gives the same bytes.
 *
 * <p>Arousal and valence are latent processes (sums of slow and fast AR(1) processes squashed by
 * tanh). Each modality sees them differently, so models can really learn and fusion can help:
 * audio mostly arousal (linear + quadratic) with corrupted stretches, video both weakly with absent
 * rows, text valence lagged by two seconds through a nonlinearity and held constant per "word",
 * and a 10 ms native-rate audio set with heavy per-row noise that window averaging removes. With
 * {@code arousal-private} and {@code valence-private} each modality sees its own share of a
 * dimension beside the common part ({@link #privateViews}), so fusion across modalities can add
 * what no single one sees.
 *
 * <p>Real package quirks reproduced: uneven label timestamps (cut stretches), absent feature rows,
 * empty and NaN cells, text starting at 500 ms, duplicated rows in partition.csv, a native-rate
 * set, and (by default) no label files for test videos.
 */
public final class SyntheticMuse implements java.io.Serializable {
    /** Text features begin at this timestamp, as some real sets do. */
    public static final long TEXT_START_MS = 500;
    public static final long NATIVE_PERIOD_MS = 10;
    /** Seeds of the private processes' random streams, one per dimension. */
    private static final long AROUSAL_PRIVATE_SALT = 0x632BE59BD9B4E019L;
    private static final long VALENCE_PRIVATE_SALT = 0x7A3C1F9E5B2D4C61L;

    private final GeneratorConfig cfg;
    private final Partition[] partitions;

    public SyntheticMuse(GeneratorConfig cfg) {
        this.cfg = cfg;
        this.partitions = assignPartitions(cfg.videos(), cfg.seed());
    }

    public static String videoId(int index) {
        return Integer.toString(index + 1);
    }

    public Partition partition(int index) {
        return partitions[index];
    }

    /** 60 % train, 20 % devel, 20 % test, at least one video each, shuffled by the seed. */
    private static Partition[] assignPartitions(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int devel = Math.max(1, (int) Math.round(n * 0.2));
        int test = Math.max(1, (int) Math.round(n * 0.2));
        int train = n - devel - test;
        Partition[] p = new Partition[n];
        for (int k = 0; k < n; k++) {
            p[order[k]] = k < train ? Partition.TRAIN : k < train + devel ? Partition.DEVEL : Partition.TEST;
        }
        return p;
    }

    /** {@code metadata/partition.csv}, with some rows written twice as in the real packages. */
    public void writePartitionFile(FileSink sink) throws IOException {
        SplittableRandom rng = new SplittableRandom(cfg.seed() ^ 0x9E3779B97F4A7C15L);
        try (Writer w = sink.open(MuseLayout.PARTITION_FILE)) {
            w.write("Id,Proposal\n");
            for (int i = 0; i < cfg.videos(); i++) {
                String row = videoId(i) + "," + partitions[i].id() + "\n";
                w.write(row);
                if (rng.nextDouble() < 0.1) {
                    w.write(row);
                }
            }
        }
    }

    /** Writes the label and feature files of one video; returns its number of label frames. */
    public int writeVideo(int index, FileSink sink) throws IOException {
        MuseLayout layout = cfg.layout();
        long period = layout.labelPeriodMs();
        SplittableRandom rng = new SplittableRandom(mix(cfg.seed(), index));
        int raw = rawFrames(rng, period);

        double[] arousal = latent(rng, raw);
        double[] shared = latent(rng, raw);
        Map<Modality, double[]> arousalSeen = privateViews(index, arousal, cfg.arousalPrivate(), AROUSAL_PRIVATE_SALT);
        Map<Modality, double[]> valenceSeen = privateViews(index, shared, cfg.valencePrivate(), VALENCE_PRIVATE_SALT);
        // What each modality sees is computed from the label's arousal latent before it is squashed.
        Map<Modality, double[]> valenceViews = new EnumMap<>(Modality.class);
        valenceSeen.forEach((m, y) -> {
            double[] view = new double[raw];
            for (int r = 0; r < raw; r++) {
                view[r] = valenceOf(y[r], arousal[r]);
            }
            valenceViews.put(m, view);
        });
        arousalSeen.replaceAll((m, x) -> {
            double[] view = new double[raw];
            for (int r = 0; r < raw; r++) {
                view[r] = arousalOf(x[r]);
            }
            return view;
        });
        double[] valence = new double[raw];
        for (int r = 0; r < raw; r++) {
            valence[r] = valenceOf(shared[r], arousal[r]);
            arousal[r] = arousalOf(arousal[r]);
        }
        boolean[] kept = cuts(rng, raw);
        int[] segment = segments(rng, raw);
        String video = videoId(index);

        int frames = 0;
        for (boolean k : kept) {
            frames += k ? 1 : 0;
        }
        if (cfg.testLabels() || partitions[index] != Partition.TEST) {
            double[] labelA = arousal;
            double[] labelV = valence;
            if (cfg.labelHidden() > 0) {
                // Own RNG: packages without a hidden component stay byte-identical.
                SplittableRandom hiddenRng = new SplittableRandom(mix(cfg.seed(), index) ^ 0x2545F4914F6CDD1DL);
                labelA = withHidden(arousal, latent(hiddenRng, raw), cfg.labelHidden());
                labelV = withHidden(valence, latent(hiddenRng, raw), cfg.labelHidden());
            }
            writeLabels(sink, layout, "arousal", video, labelA, kept, segment, rng);
            writeLabels(sink, layout, "valence", video, labelV, kept, segment, rng);
        }
        for (GeneratorConfig.SetSpec set : cfg.featureSets()) {
            SplittableRandom setRng = new SplittableRandom(mix(mix(cfg.seed(), index), set.name().hashCode()));
            String path = layout.featureFile(set.name(), set.modality().nativeRate(), video);
            try (Writer w = sink.open(path)) {
                switch (set.modality()) {
                    case NATIVE_AUDIO -> writeNative(w, set, columns(set), arousalSeen.getOrDefault(Modality.AUDIO,
                            arousal), period, cfg.featureNoise(), setRng);
                    default -> writeAligned(w, set, columns(set), arousalSeen.getOrDefault(set.modality(), arousal),
                            valenceViews.getOrDefault(set.modality(), valence), kept, segment, period,
                            cfg.featureNoise(), cfg.audioCorruption(), cfg.plausibleCorruption(), setRng);
                }
            }
        }
        return frames;
    }

    /**
     * With a private share {@code f > 0} ({@code arousal-private} or {@code valence-private}): turns
     * the latent x into the label's latent √(1−f)·x + √(f/3)·(p_audio + p_video + p_text) (in place;
     * its variance is unchanged) and returns the latent each modality sees, √(1−f)·x + √f·p_m: the
     * common part and its own private part, so that no single modality sees all of the label and
     * fusion across modalities can add. The private processes have their own random stream (one per
     * dimension, {@code salt}), so packages with f = 0 stay byte-identical (and get an empty map:
     * every modality sees the label's latent).
     */
    private Map<Modality, double[]> privateViews(int index, double[] latent, double f, long salt) {
        Map<Modality, double[]> seen = new EnumMap<>(Modality.class);
        if (f <= 0) {
            return seen;
        }
        SplittableRandom privateRng = new SplittableRandom(mix(cfg.seed(), index) ^ salt);
        Modality[] seers = {Modality.AUDIO, Modality.VIDEO, Modality.TEXT};
        double[][] own = new double[seers.length][];
        for (int m = 0; m < seers.length; m++) {
            own[m] = latent(privateRng, latent.length);
        }
        for (int m = 0; m < seers.length; m++) {
            double[] view = new double[latent.length];
            for (int r = 0; r < view.length; r++) {
                view[r] = Math.sqrt(1 - f) * latent[r] + Math.sqrt(f) * own[m][r];
            }
            seen.put(seers[m], view);
        }
        for (int r = 0; r < latent.length; r++) {
            latent[r] = Math.sqrt(1 - f) * latent[r] + Math.sqrt(f / 3) * (own[0][r] + own[1][r] + own[2][r]);
        }
        return seen;
    }

    /** Arousal as the label holds it (or as one modality sees it): tanh of its latent x. */
    private static double arousalOf(double x) {
        return Math.tanh(x);
    }

    /** Valence from its own latent y and arousal's latent x: tanh(0.85·y + 0.3·x). */
    private static double valenceOf(double y, double x) {
        return Math.tanh(0.85 * y + 0.3 * x);
    }

    /** The video's length in label periods, drawn first from its random stream. */
    private int rawFrames(SplittableRandom videoRng, long period) {
        double minutes = cfg.minMinutes() + videoRng.nextDouble() * (cfg.maxMinutes() - cfg.minMinutes());
        return Math.max(8, (int) Math.round(minutes * 60_000 / period));
    }

    /**
     * The ground truth of audio corruption: the label timestamps (ms) at which feature set
     * {@code set} of video {@code index} holds a corrupted stretch instead of signal (for checking
     * what a reconstruction error finds). Drawn from the same random streams as the files, so it
     * matches them without reading them; a cut stretch is listed too though it has no label frame.
     */
    public java.util.Set<Long> corruptedTimestamps(String set, int index) {
        GeneratorConfig.SetSpec spec = cfg.featureSets().stream().filter(f -> f.name().equals(set)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no feature set " + set));
        if (spec.modality() != Modality.AUDIO) {
            throw new IllegalArgumentException(set + " is not an aligned audio set: only those are corrupted");
        }
        long period = cfg.layout().labelPeriodMs();
        int raw = rawFrames(new SplittableRandom(mix(cfg.seed(), index)), period);
        SplittableRandom setRng = new SplittableRandom(mix(mix(cfg.seed(), index), set.hashCode()));
        boolean[] corrupt = stretches(spec, raw, cfg.audioCorruption(), setRng)[1];
        java.util.Set<Long> out = new java.util.TreeSet<>();
        for (int r = 0; r < raw; r++) {
            if (corrupt[r]) {
                out.add(r * period);
            }
        }
        return out;
    }

    /** Absent rows (video sets) and corrupted rows (audio sets): the first draws of a set's stream. */
    private static boolean[][] stretches(GeneratorConfig.SetSpec set, int raw, double corruption, SplittableRandom rng) {
        boolean[] absent = new boolean[raw];
        boolean[] corrupt = new boolean[raw];
        for (int r = 0; r < raw; r++) {
            if (set.modality() == Modality.VIDEO && rng.nextDouble() < 0.004) {
                int len = 10 + rng.nextInt(71);
                for (int k = r; k < Math.min(raw, r + len); k++) {
                    absent[k] = true;
                }
            }
            if (set.modality() == Modality.AUDIO && rng.nextDouble() < 0.0006 * corruption) {
                int len = 20 + rng.nextInt(101);
                for (int k = r; k < Math.min(raw, r + len); k++) {
                    corrupt[k] = true;
                }
            }
        }
        return new boolean[][]{absent, corrupt};
    }

    /** Standardized sum of a slow and a fast AR(1) process. */
    private static double[] latent(SplittableRandom rng, int n) {
        double[] x = new double[n];
        double slow = rng.nextGaussian();
        double fast = rng.nextGaussian();
        for (int i = 0; i < n; i++) {
            slow = 0.995 * slow + Math.sqrt(1 - 0.995 * 0.995) * rng.nextGaussian();
            fast = 0.95 * fast + Math.sqrt(1 - 0.95 * 0.95) * rng.nextGaussian();
            x[i] = 0.8 * slow + 0.45 * fast;
        }
        return x;
    }

    private static double[] withHidden(double[] observed, double[] hidden, double scale) {
        double[] out = new double[observed.length];
        for (int i = 0; i < out.length; i++) {
            double o = Math.max(-0.999, Math.min(0.999, observed[i]));
            double atanh = 0.5 * Math.log((1 + o) / (1 - o));
            out[i] = Math.tanh(atanh + scale * hidden[i]);
        }
        return out;
    }

    /** Irrelevant stretches cut out of the video: the labels jump over them. */
    private static boolean[] cuts(SplittableRandom rng, int n) {
        boolean[] kept = new boolean[n];
        java.util.Arrays.fill(kept, true);
        for (int r = 20; r < n - 20; r++) {
            if (rng.nextDouble() < 0.003) {
                int len = 8 + rng.nextInt(53);
                for (int k = r; k < Math.min(n - 20, r + len); k++) {
                    kept[k] = false;
                }
                r += len;
            }
        }
        return kept;
    }

    private static int[] segments(SplittableRandom rng, int n) {
        int[] s = new int[n];
        int id = 1;
        for (int r = 0; r < n; r++) {
            if (r > 0 && rng.nextDouble() < 1.0 / 240) {
                id++;
            }
            s[r] = id;
        }
        return s;
    }

    private static void writeLabels(FileSink sink, MuseLayout layout, String dim, String video, double[] latent,
                                    boolean[] kept, int[] segment, SplittableRandom rng) throws IOException {
        long period = layout.labelPeriodMs();
        StringBuilder sb = new StringBuilder(64);
        try (Writer w = sink.open(layout.labelFile(dim, video))) {
            w.write(layout.labelHeader());
            w.write('\n');
            for (int r = 0; r < latent.length; r++) {
                if (!kept[r]) {
                    continue;
                }
                double y = Math.max(-1, Math.min(1, latent[r] + 0.03 * rng.nextGaussian()));
                sb.setLength(0);
                sb.append(r * period).append(',');
                if (layout == MuseLayout.MUSE2020) {
                    fixed(sb, y, 4).append(',').append(segment[r]);
                } else {
                    sb.append(segment[r]).append(',');
                    fixed(sb, y, 4);
                }
                w.append(sb).append('\n');
            }
        }
    }

    /** A feature extractor means the same in every video: its columns depend on the set, not the video. */
    private Columns columns(GeneratorConfig.SetSpec set) {
        return new Columns(new SplittableRandom(mix(cfg.seed(), set.name().hashCode() * 31L + 17)), set.width());
    }

    private static void writeAligned(Writer w, GeneratorConfig.SetSpec set, Columns col, double[] arousal,
                                     double[] valence, boolean[] kept, int[] segment, long period, double noise,
                                     double corruption, boolean plausible, SplittableRandom rng)
            throws IOException {
        int d = set.width();
        writeHeader(w, set, true);
        int raw = arousal.length;
        int lag = (int) Math.round(2000.0 / period);
        boolean[][] stretches = stretches(set, raw, corruption, rng);
        boolean[] absent = stretches[0];
        boolean[] corrupt = stretches[1];
        double word = 0;
        int wordLeft = 0;
        StringBuilder sb = new StringBuilder(d * 10 + 32);
        for (int r = 0; r < raw; r++) {
            long ts = r * period;
            double a = arousal[r];
            double v = valence[r];
            if (set.modality() == Modality.TEXT) {
                // Annotators react late: the words at t carry the valence rated at t + 2 s.
                if (wordLeft-- <= 0) {
                    word = valence[Math.min(raw - 1, r + lag)];
                    wordLeft = 1 + rng.nextInt(4);
                }
                v = word;
            }
            if (!kept[r] || absent[r] || (set.modality() == Modality.TEXT && ts < TEXT_START_MS)) {
                continue;
            }
            sb.setLength(0);
            sb.append(ts).append(',').append(segment[r]);
            for (int c = 0; c < d; c++) {
                sb.append(',');
                if (rng.nextDouble() < 0.001) {
                    if (rng.nextBoolean()) {
                        sb.append("nan");
                    }
                    continue;
                }
                double z = switch (set.modality()) {
                    case AUDIO -> corrupt[r] && !plausible ? 3 * rng.nextGaussian()
                            : corrupt[r] ? CleanAudio.MOMENTS.mean(col, c)
                            + Math.sqrt(CleanAudio.MOMENTS.variance(col, c) + 0.36 * noise * noise) * rng.nextGaussian()
                            : audio(col, c, a, v) + noise * 0.6 * rng.nextGaussian();
                    case VIDEO -> 0.5 * col.wa[c] * a + 0.5 * col.wv[c] * v + noise * rng.nextGaussian();
                    case TEXT -> col.wv[c] * Math.tanh(2.5 * v) + col.wq[c] * Math.signum(v) * Math.sqrt(Math.abs(v))
                            + 0.15 * col.wa[c] * a + noise * 0.7 * rng.nextGaussian();
                    case NATIVE_AUDIO -> throw new IllegalStateException();
                };
                fixed(sb, col.offset[c] + col.scale[c] * z, 5);
            }
            w.append(sb).append('\n');
        }
    }

    /** Column {@code c} of an audio set without its noise: arousal, linear and quadratic, a little valence. */
    private static double audio(Columns col, int c, double a, double v) {
        return col.wa[c] * a + col.wq[c] * (a * a - 0.4) + 0.2 * col.wv[c] * v;
    }

    /** 10 ms rows over the whole recording, cut stretches included (they are not labelled). */
    private static void writeNative(Writer w, GeneratorConfig.SetSpec set, Columns col, double[] arousal, long period,
                                    double noise, SplittableRandom rng) throws IOException {
        int d = set.width();
        writeHeader(w, set, false);
        long end = arousal.length * period;
        StringBuilder sb = new StringBuilder(d * 10 + 16);
        for (long ts = 0; ts < end; ts += NATIVE_PERIOD_MS) {
            double pos = (double) ts / period;
            int i = (int) pos;
            double frac = pos - i;
            double a = i + 1 < arousal.length ? (1 - frac) * arousal[i] + frac * arousal[i + 1] : arousal[i];
            sb.setLength(0);
            sb.append(ts);
            for (int c = 0; c < d; c++) {
                sb.append(',');
                if (rng.nextDouble() < 0.0005) {
                    sb.append("NaN");
                    continue;
                }
                fixed(sb, col.offset[c] + col.scale[c] * (col.wa[c] * a + noise * 2.5 * rng.nextGaussian()), 4);
            }
            w.append(sb).append('\n');
        }
    }

    private static void writeHeader(Writer w, GeneratorConfig.SetSpec set, boolean segmentId) throws IOException {
        StringBuilder sb = new StringBuilder("timestamp");
        if (segmentId) {
            sb.append(",segment_id");
        }
        for (int c = 0; c < set.width(); c++) {
            sb.append(',').append(set.name()).append('_').append(c);
        }
        w.append(sb).append('\n');
    }

    /** Per-column mixing weights, offsets and scales (so that standardization matters). */
    /**
     * The moments of a clean audio column's signal ({@link #audio}) under the generator's latent
     * processes: arousal {@code a = tanh(x)}, valence {@code v = tanh(0.85 y + 0.3 x)}, x and y
     * independent N(0, 0.8² + 0.45²). A plausible corrupted frame draws each column from a normal
     * with that column's mean and variance (plus its noise), so neither a frame's size nor a
     * column's level tells it from signal: only the structure across columns and time does.
     * Estimated once from a fixed-seed sample (10⁶ draws: the moments to about 10⁻³). With
     * {@code arousal-private > 0} audio sees its own view of arousal, whose covariance with valence is
     * somewhat below the one estimated here (with {@code valence-private > 0} likewise its own view of
     * valence); the variances, which decide a frame's size, stay the same.
     */
    private record CleanAudio(double ea2, double varA, double varQ, double varV, double covAQ, double covAV,
                              double covQV) {
        static final CleanAudio MOMENTS = estimate();

        private static CleanAudio estimate() {
            SplittableRandom rng = new SplittableRandom(0x5EEDL);
            double sd = Math.sqrt(0.8 * 0.8 + 0.45 * 0.45);
            int n = 1_000_000;
            double sa = 0, sq = 0, sv = 0, saa = 0, sqq = 0, svv = 0, saq = 0, sav = 0, sqv = 0;
            for (int i = 0; i < n; i++) {
                double x = sd * rng.nextGaussian();
                double y = sd * rng.nextGaussian();
                double a = Math.tanh(x);
                double q = a * a;
                double v = Math.tanh(0.85 * y + 0.3 * x);
                sa += a;
                sq += q;
                sv += v;
                saa += a * a;
                sqq += q * q;
                svv += v * v;
                saq += a * q;
                sav += a * v;
                sqv += q * v;
            }
            double ma = sa / n, mq = sq / n, mv = sv / n;
            return new CleanAudio(mq, saa / n - ma * ma, sqq / n - mq * mq, svv / n - mv * mv, saq / n - ma * mq,
                    sav / n - ma * mv, sqv / n - mq * mv);
        }

        /** Mean of column c's clean signal: wq (E[a²] − 0.4); a and v are symmetric around 0. */
        double mean(Columns col, int c) {
            return col.wq[c] * (ea2 - 0.4);
        }

        /** Variance of column c's clean signal wa·a + wq·(a² − 0.4) + 0.2·wv·v. */
        double variance(Columns col, int c) {
            double wa = col.wa[c], wq = col.wq[c], wv = 0.2 * col.wv[c];
            return wa * wa * varA + wq * wq * varQ + wv * wv * varV + 2 * wa * wq * covAQ + 2 * wa * wv * covAV
                    + 2 * wq * wv * covQV;
        }
    }

    private static final class Columns {
        final double[] wa;
        final double[] wv;
        final double[] wq;
        final double[] offset;
        final double[] scale;

        Columns(SplittableRandom rng, int d) {
            wa = new double[d];
            wv = new double[d];
            wq = new double[d];
            offset = new double[d];
            scale = new double[d];
            for (int c = 0; c < d; c++) {
                // |w| >= 0.5: every column carries its modality's dimension, none is pure noise.
                wa[c] = (rng.nextBoolean() ? 1 : -1) * (0.5 + Math.abs(rng.nextGaussian()));
                wv[c] = (rng.nextBoolean() ? 1 : -1) * (0.5 + Math.abs(rng.nextGaussian()));
                wq[c] = 0.5 * rng.nextGaussian();
                offset[c] = 20 * rng.nextGaussian();
                scale[c] = Math.exp(rng.nextGaussian());
            }
        }
    }

    /** Fixed-point decimal without String.format's cost (generation writes gigabytes). */
    static StringBuilder fixed(StringBuilder sb, double v, int decimals) {
        long scale = 1;
        for (int i = 0; i < decimals; i++) {
            scale *= 10;
        }
        long q = Math.round(Math.abs(v) * scale);
        if (v < 0 && q != 0) {
            sb.append('-');
        }
        sb.append(q / scale).append('.');
        String frac = Long.toString(q % scale);
        for (int i = frac.length(); i < decimals; i++) {
            sb.append('0');
        }
        return sb.append(frac);
    }

    private static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Every video index, for callers that fan videos out. */
    public List<Integer> videoIndices() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < cfg.videos(); i++) {
            out.add(i);
        }
        return out;
    }
}
