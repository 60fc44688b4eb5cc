package io.museflow.data;

/**
 * Fast path for the plain decimals that make up MuSe feature files ("-0.12345", "17", "3.5e-05").
 * Returns NaN for anything it does not handle; the caller then falls back to
 * {@link Double#parseDouble} so that the result is always the JDK's for unusual spellings.
 */
final class FastNumbers {
    private static final double[] POW10 = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    private FastNumbers() {
    }

    static double parse(CharSequence s, int from, int to) {
        int i = from;
        boolean negative = false;
        char c = s.charAt(i);
        if (c == '-' || c == '+') {
            negative = c == '-';
            i++;
        }
        long mantissa = 0;
        int digits = 0;
        int fractionDigits = 0;
        boolean seenDot = false;
        boolean any = false;
        for (; i < to; i++) {
            c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                any = true;
                if (digits < 18) {
                    mantissa = mantissa * 10 + (c - '0');
                    if (mantissa != 0) {
                        digits++;
                    }
                    if (seenDot) {
                        fractionDigits++;
                    }
                } else {
                    return Double.NaN; // more significant digits than a long holds: let the JDK decide
                }
            } else if (c == '.' && !seenDot) {
                seenDot = true;
            } else {
                break;
            }
        }
        if (!any) {
            return Double.NaN;
        }
        int exponent = 0;
        if (i < to) {
            c = s.charAt(i);
            if (c != 'e' && c != 'E') {
                return Double.NaN;
            }
            i++;
            if (i >= to) {
                return Double.NaN;
            }
            boolean expNegative = false;
            c = s.charAt(i);
            if (c == '-' || c == '+') {
                expNegative = c == '-';
                i++;
            }
            if (i >= to) {
                return Double.NaN;
            }
            for (; i < to; i++) {
                c = s.charAt(i);
                if (c < '0' || c > '9' || exponent > 400) {
                    return Double.NaN;
                }
                exponent = exponent * 10 + (c - '0');
            }
            if (expNegative) {
                exponent = -exponent;
            }
        }
        int scale = exponent - fractionDigits;
        double value;
        // Exact when the mantissa fits in 53 bits and the power of ten is exactly representable.
        if (mantissa < (1L << 53) && scale >= -22 && scale <= 22) {
            value = scale >= 0 ? mantissa * POW10[scale] : mantissa / POW10[-scale];
        } else {
            return Double.NaN;
        }
        return negative ? -value : value;
    }
}
