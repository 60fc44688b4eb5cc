package io.museflow.submission;

import io.museflow.config.MuseLayout;

/**
 * The challenge file formats (method: "Submission format"), each tied to its label period:
 * <ul>
 *   <li>{@link #MUSE2020} (MuSe-Wild / MuSe-CaR): one CSV per partition,
 *       {@code id,timestamp,prediction_arousal,prediction_valence} (the exported dimensions only),
 *       a row per 250 ms label timestamp of every video;</li>
 *   <li>{@link #MUSE2021} (MuSe-Stress): per dimension and video {@code <dimension>/<video>.csv},
 *       {@code timestamp,segment_id,value}, a row per 500 ms label timestamp.</li>
 * </ul>
 */
public enum SubmissionFormat {
    MUSE2020(MuseLayout.MUSE2020), MUSE2021(MuseLayout.MUSE2021);

    private final MuseLayout layout;

    SubmissionFormat(MuseLayout layout) {
        this.layout = layout;
    }

    /** The package layout whose label timeline this format reports on. */
    public MuseLayout layout() {
        return layout;
    }

    public String id() {
        return layout.id();
    }

    public static SubmissionFormat of(MuseLayout layout) {
        return layout == MuseLayout.MUSE2020 ? MUSE2020 : MUSE2021;
    }
}
