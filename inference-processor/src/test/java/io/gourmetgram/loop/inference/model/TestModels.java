package io.gourmetgram.loop.inference.model;

import io.gourmetgram.loop.events.Food11;
import io.gourmetgram.loop.events.testing.SharedFixtures;
import io.gourmetgram.loop.inference.model.ModelSidecar.Preprocessing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;

/** The shared MobileNetV2-shaped model (random weights) with the seed's sidecar. */
public final class TestModels {

    private TestModels() {
    }

    public static ModelSidecar seedSidecar(String inputName, int size) {
        return new ModelSidecar("mobilenetv2-random", "bench", Food11.LABELS,
                new ModelSidecar.Input(inputName, ModelSidecar.Layout.NCHW, size, size),
                new ModelSidecar.Output("logits", ModelSidecar.Output.Kind.LOGITS),
                new Preprocessing(Preprocessing.Resize.STRETCH, size, size, Preprocessing.ChannelOrder.RGB, 1 / 255.0,
                        List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225)));
    }

    public static ModelFiles randomMobileNetV2(ModelSidecar sidecar) {
        try {
            return new ModelFiles(Files.readAllBytes(SharedFixtures.randomMobileNetV2()), sidecar,
                    SharedFixtures.randomMobileNetV2().toString(), "model.json (test)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
