package io.gourmetgram.loop.inference.evaluation;

import io.gourmetgram.loop.events.ModelRef;
import io.gourmetgram.loop.events.ReviewReason;
import io.gourmetgram.loop.events.SuiteManifestEntry;
import io.gourmetgram.loop.inference.evaluation.EvaluationReport.Paired;
import io.gourmetgram.loop.inference.evaluation.EvaluationReport.Score;
import io.gourmetgram.loop.inference.evaluation.EvaluationReport.Weighted;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Compares a candidate's answers with the production model's on the same human-labelled photos: the
 * production answers are the predictions production actually served (in the suite's manifest), so the
 * comparison is paired, photo by photo.
 */
public final class ModelComparison {

    private static final double Z95 = 1.959963984540054;

    private ModelComparison() {}

    /** One photo: its manifest line and the candidate's top-1 label. */
    public record Outcome(SuiteManifestEntry entry, String candidateLabel) {

        boolean candidateRight() {
            return entry.humanLabel().equals(candidateLabel);
        }

        boolean productionRight() {
            return entry.humanLabel().equals(entry.predictedLabel());
        }
    }

    public static EvaluationReport compare(
            String suite,
            String suiteReason,
            ModelRef candidate,
            List<Outcome> outcomes,
            List<String> skipped,
            double alpha) {
        Map<String, Long> models = new TreeMap<>();
        Map<String, Map<String, Long>> confusion = new TreeMap<>();
        long b = 0;
        long c = 0;
        for (Outcome o : outcomes) {
            models.merge(o.entry().model().qualifiedName(), 1L, Long::sum);
            confusion
                    .computeIfAbsent(o.entry().humanLabel(), k -> new TreeMap<>())
                    .merge(o.candidateLabel(), 1L, Long::sum);
            if (o.productionRight() && !o.candidateRight()) {
                b++;
            } else if (o.candidateRight() && !o.productionRight()) {
                c++;
            }
        }
        return new EvaluationReport(
                suite,
                suiteReason,
                candidate,
                models,
                outcomes.size(),
                List.copyOf(skipped),
                score(outcomes),
                grouped(outcomes, o -> List.of(o.entry().humanLabel())),
                grouped(
                        outcomes,
                        o -> o.entry().reasons().stream()
                                .map(r -> r.reason().wireName())
                                .toList()),
                confusion,
                paired(b, c, outcomes.size(), alpha),
                randomWeighted(outcomes));
    }

    private static Score score(List<Outcome> outcomes) {
        long n = outcomes.size();
        long candidate = outcomes.stream().filter(Outcome::candidateRight).count();
        long production = outcomes.stream().filter(Outcome::productionRight).count();
        return new Score(
                n,
                candidate,
                production,
                n == 0 ? null : (double) candidate / n,
                n == 0 ? null : (double) production / n);
    }

    private static Map<String, Score> grouped(List<Outcome> outcomes, Function<Outcome, List<String>> keys) {
        Map<String, List<Outcome>> groups = new TreeMap<>();
        outcomes.forEach(o -> keys.apply(o)
                .forEach(k -> groups.computeIfAbsent(k, x -> new java.util.ArrayList<>())
                        .add(o)));
        Map<String, Score> scores = new TreeMap<>();
        groups.forEach((k, v) -> scores.put(k, score(v)));
        return scores;
    }

    /**
     * Difference of paired proportions (c − b) / n with its Wald interval, se = √(b + c − (c − b)²/n) / n,
     * and the verdict: a direction only when McNemar's test rejects equality at {@code alpha}.
     */
    static Paired paired(long b, long c, long n, double alpha) {
        McNemarTest test = McNemarTest.of(b, c);
        if (n == 0) {
            return new Paired(0, 0, 0, test, alpha, EvaluationReport.NO_EVIDENCE);
        }
        double difference = (double) (c - b) / n;
        double se = Math.sqrt(Math.max(0, b + c - Math.pow(c - b, 2) / n)) / n;
        String verdict = test.pValue() >= alpha
                ? EvaluationReport.NO_EVIDENCE
                : c > b ? EvaluationReport.BETTER : EvaluationReport.WORSE;
        // a difference of proportions lies in [-1, 1]; the Wald interval can overshoot at the edges
        return new Paired(
                difference,
                Math.max(-1, difference - Z95 * se),
                Math.min(1, difference + Z95 * se),
                test,
                alpha,
                verdict);
    }

    /** Over photos in the random sample, each weighted by 1 / its random-sample inclusion probability. */
    static Weighted randomWeighted(List<Outcome> outcomes) {
        double sumW = 0;
        double sumW2 = 0;
        double candidate = 0;
        double production = 0;
        long n = 0;
        for (Outcome o : outcomes) {
            Double p = o.entry().inclusionFor(ReviewReason.RANDOM);
            if (p == null || p <= 0) {
                continue;
            }
            double w = 1 / p;
            n++;
            sumW += w;
            sumW2 += w * w;
            candidate += o.candidateRight() ? w : 0;
            production += o.productionRight() ? w : 0;
        }
        return n == 0 ? null : new Weighted(n, sumW * sumW / sumW2, candidate / sumW, production / sumW);
    }
}
