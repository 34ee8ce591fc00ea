package io.gourmetgram.loop.accuracy.estimate;

/**
 * The two-sided 95 % quantile of Student's t. A variance estimated from n labels is itself
 * uncertain; widening z = 1.96 to t with n − 1 degrees of freedom keeps small-sample intervals
 * honest (t = 2.09 for 20 labels, 1.98 for 100).
 */
final class StudentT {

    private StudentT() {}

    /** Exact for 1 and 2 degrees of freedom; Cornish–Fisher expansion about z otherwise (error < 0.005). */
    static double quantile975(double degreesOfFreedom) {
        if (degreesOfFreedom < 1) {
            throw new IllegalArgumentException(
                    "Student's t needs at least 1 degree of freedom, got " + degreesOfFreedom);
        }
        if (degreesOfFreedom < 2) {
            return 12.706204736;
        }
        if (degreesOfFreedom < 3) {
            return 4.302652730;
        }
        double z = WilsonInterval.Z95;
        double z3 = z * z * z;
        double z5 = z3 * z * z;
        double z7 = z5 * z * z;
        double z9 = z7 * z * z;
        double v = degreesOfFreedom;
        return z
                + (z3 + z) / (4 * v)
                + (5 * z5 + 16 * z3 + 3 * z) / (96 * v * v)
                + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * v * v * v)
                + (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / (92160 * v * v * v * v);
    }
}
