package io.gourmetgram.loop.inference.model;

import java.util.ArrayList;
import java.util.List;

/** What a sidecar must say before we even open the model. */
final class SidecarRules {

    private SidecarRules() {}

    static void check(ModelSidecar s, String location) {
        List<String> problems = new ArrayList<>();
        if (blank(s.id()) || blank(s.version())) {
            problems.add("'id' and 'version' are required (they tag every prediction)");
        }
        if (s.labels() == null || s.labels().isEmpty()) {
            problems.add("'labels' must list the classes in output order");
        }
        if (s.input() == null
                || blank(s.input().name())
                || s.input().layout() == null
                || s.input().height() <= 0
                || s.input().width() <= 0) {
            problems.add("'input' needs name, layout (NCHW or NHWC), height and width");
        }
        if (s.output() == null || blank(s.output().name()) || s.output().kind() == null) {
            problems.add("'output' needs name and kind (logits or probabilities)");
        }
        ModelSidecar.Preprocessing p = s.preprocessing();
        if (p == null
                || p.resize() == null
                || p.resizeSize() <= 0
                || p.cropSize() <= 0
                || p.channelOrder() == null
                || p.scale() <= 0
                || p.mean() == null
                || p.mean().size() != 3
                || p.std() == null
                || p.std().size() != 3
                || p.std().stream().anyMatch(v -> v == 0)) {
            problems.add("'preprocessing' needs resize (stretch or shorter-side), resizeSize, cropSize, channelOrder "
                    + "(RGB or BGR), scale > 0, and 3 mean and 3 non-zero std values");
        } else if (s.input() != null
                && (p.cropSize() != s.input().height()
                        || p.cropSize() != s.input().width())) {
            problems.add("preprocessing.cropSize " + p.cropSize() + " must equal input height × width "
                    + s.input().height() + " × " + s.input().width());
        } else if (p.resize() == ModelSidecar.Preprocessing.Resize.STRETCH && p.resizeSize() < p.cropSize()) {
            problems.add("preprocessing.resizeSize " + p.resizeSize() + " is smaller than cropSize " + p.cropSize());
        }
        if (!problems.isEmpty()) {
            throw new ModelMismatchException(
                    location + " is not a usable model sidecar: " + String.join("; ", problems));
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
