package io.museflow.report;

/** How a chart draws its rows, with the names Zeppelin and ECharts give that kind. */
public enum ChartKind {
    /** Lines over an ordered x (epochs, seconds, hyperparameter values). */
    LINE("lineChart", "line"),
    /** Bars per category, one bar per series side by side. */
    BAR("multiBarChart", "bar");

    private final String zeppelinMode;
    private final String echartsType;

    ChartKind(String zeppelinMode, String echartsType) {
        this.zeppelinMode = zeppelinMode;
        this.echartsType = echartsType;
    }

    /** The {@code config.results.N.graph.mode} of a Zeppelin paragraph. */
    public String zeppelinMode() {
        return zeppelinMode;
    }

    /** The {@code series[].type} of an ECharts option. */
    public String echartsType() {
        return echartsType;
    }
}
