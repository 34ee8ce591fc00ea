package io.gourmetgram.loop.events;

import java.util.List;

/**
 * How the uploader picked a corrected label, so analysts can check for position bias (a fixed
 * order of classes makes the first ones more likely to be chosen).
 *
 * @param inputMethod  how the label was chosen, e.g. {@code shuffled_list} or {@code search}
 * @param labelsShown  the classes in the order they were shown (empty when the method shows no list)
 */
public record CorrectionPicker(String inputMethod, List<String> labelsShown) {

    public CorrectionPicker {
        labelsShown = labelsShown == null ? List.of() : List.copyOf(labelsShown);
    }

    /** 0-based position of {@code label} in the list shown, or -1 when it was not shown. */
    public int positionOf(String label) {
        return labelsShown.indexOf(label);
    }
}
