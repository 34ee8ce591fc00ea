package io.gourmetgram.loop.inference.evaluation;

import io.gourmetgram.loop.inference.evaluation.EvaluationReport.Score;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/** The report as text a person reads in a terminal. */
public final class ReportTable {

    private ReportTable() {}

    public static String render(EvaluationReport r) {
        StringBuilder out = new StringBuilder();
        out.append("Suite ")
                .append(r.suite())
                .append(" (")
                .append(r.suiteReason())
                .append("): ")
                .append(r.evaluated())
                .append(" photos")
                .append(r.skipped().isEmpty() ? "" : ", " + r.skipped().size() + " skipped")
                .append('\n');
        out.append("Candidate ")
                .append(r.candidate().qualifiedName())
                .append(" vs production ")
                .append(String.join(", ", r.productionModels().keySet()))
                .append("\n\n");
        out.append(String.format(Locale.ROOT, "%-22s %7s %11s %11s%n", "", "photos", "candidate", "production"));
        row(out, "overall", r.overall());
        out.append("by reason\n");
        r.perReason().forEach((k, v) -> row(out, "  " + k, v));
        out.append("by human label\n");
        r.perClass().forEach((k, v) -> row(out, "  " + k, v));
        if (r.randomWeighted() != null) {
            EvaluationReport.Weighted w = r.randomWeighted();
            out.append(String.format(
                    Locale.ROOT,
                    "%-22s %7d %11s %11s  (inverse-probability weighted, effective n %.1f:"
                            + " what production traffic would see)%n",
                    "random, weighted",
                    w.photos(),
                    pct(w.candidateAccuracy()),
                    pct(w.productionAccuracy()),
                    w.effectiveSampleSize()));
        }
        EvaluationReport.Paired p = r.paired();
        out.append(String.format(
                Locale.ROOT,
                "%nPaired difference (candidate − production): %+.1f points, 95 %% CI %+.1f to %+.1f%n",
                100 * p.difference(),
                100 * p.lower(),
                100 * p.upper()));
        out.append(String.format(
                Locale.ROOT,
                "McNemar (%s): candidate alone right %d, production alone right %d, p = %.4g%n",
                p.mcnemar().method(),
                p.mcnemar().candidateOnlyRight(),
                p.mcnemar().productionOnlyRight(),
                p.mcnemar().pValue()));
        out.append("Verdict at alpha ")
                .append(p.alpha())
                .append(": ")
                .append(p.verdict().toUpperCase(Locale.ROOT))
                .append("\n\n");
        confusion(out, r.confusion());
        r.skipped().forEach(s -> out.append("skipped: ").append(s).append('\n'));
        return out.toString();
    }

    private static void row(StringBuilder out, String name, Score s) {
        out.append(String.format(
                Locale.ROOT,
                "%-22s %7d %11s %11s%n",
                name,
                s.photos(),
                pct(s.candidateAccuracy()),
                pct(s.productionAccuracy())));
    }

    private static void confusion(StringBuilder out, Map<String, Map<String, Long>> matrix) {
        TreeSet<String> classes = new TreeSet<>(matrix.keySet());
        matrix.values().forEach(row -> classes.addAll(row.keySet()));
        out.append("Confusion (rows: human label, columns: candidate's label)\n");
        out.append(String.format(Locale.ROOT, "%-16s", ""));
        classes.forEach(c -> out.append(String.format(Locale.ROOT, " %6s", abbreviate(c))));
        out.append('\n');
        for (String truth : classes) {
            out.append(String.format(Locale.ROOT, "%-16s", abbreviate16(truth)));
            Map<String, Long> row = matrix.getOrDefault(truth, Map.of());
            classes.forEach(c -> out.append(String.format(
                    Locale.ROOT, " %6s", row.containsKey(c) ? row.get(c).toString() : ".")));
            out.append('\n');
        }
    }

    private static String abbreviate(String label) {
        return label.length() <= 6 ? label : label.substring(0, 6);
    }

    private static String abbreviate16(String label) {
        return label.length() <= 16 ? label : label.substring(0, 16);
    }

    private static String pct(Double value) {
        return value == null ? "—" : String.format(Locale.ROOT, "%.1f %%", 100 * value);
    }
}
