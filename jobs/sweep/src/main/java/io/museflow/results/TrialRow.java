package io.museflow.results;

import io.museflow.table.Column;
import io.museflow.table.ResultSchema;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * One row of the trials table ({@link ResultSchema#TRIALS}): typed accessors for what museflow reads
 * back (status, error, devel CCC, names), and every column by name for the table's writer. A value
 * is checked against its column's type when it is set, so a wrong value fails where it is made,
 * not when the row is written on an executor.
 */
public final class TrialRow implements Serializable {
    private final LinkedHashMap<String, Object> values = new LinkedHashMap<>();

    /** Sets {@code column}; null or NaN leaves it empty. */
    public TrialRow set(String column, Object value) {
        Column c = ResultSchema.TRIALS.column(column);
        if (value == null || (value instanceof Double d && d.isNaN())) {
            values.remove(column);
            return this;
        }
        boolean fits = switch (c.type()) {
            case STRING -> value instanceof String;
            case INT -> value instanceof Integer;
            case LONG -> value instanceof Long;
            case DOUBLE -> value instanceof Double;
            case BOOLEAN -> value instanceof Boolean;
            default -> false;
        };
        if (!fits) {
            throw new IllegalArgumentException("trials." + column + " is " + c.type() + ", not "
                    + value.getClass().getSimpleName() + " " + value);
        }
        values.put(column, value);
        return this;
    }

    /** The set columns, in the order they were set. */
    public Map<String, Object> values() {
        return Collections.unmodifiableMap(values);
    }

    public String trialId() {
        return (String) values.get(ResultSchema.TRIAL_ID);
    }

    public String name() {
        return (String) values.get("name");
    }

    public TrialStatus status() {
        return TrialStatus.of((String) values.get(ResultSchema.STATUS));
    }

    public boolean ok() {
        return status() == TrialStatus.OK;
    }

    public String error() {
        return (String) values.get("error");
    }

    public String featureSets() {
        return (String) values.get("feature_sets");
    }

    /** Mean devel CCC over the trial's targets; empty for a failed trial. */
    public OptionalDouble develCcc() {
        Object v = values.get("devel_ccc");
        return v == null ? OptionalDouble.empty() : OptionalDouble.of((Double) v);
    }

    public double seconds() {
        Object v = values.get("seconds");
        return v == null ? Double.NaN : (Double) v;
    }
}
