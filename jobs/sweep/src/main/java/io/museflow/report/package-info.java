/**
 * What people look at: the charts of a sweep's results, defined once ({@link io.museflow.report.ResultCharts})
 * and drawn twice, as paragraphs of the Zeppelin note ({@link io.museflow.report.ZeppelinNote}) and as a
 * self-contained HTML report per sweep ({@link io.museflow.report.SweepReport}).
 */
package io.museflow.report;
