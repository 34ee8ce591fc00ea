package io.gourmetgram.loop.inference.model;

import io.gourmetgram.loop.events.Food11;
import io.gourmetgram.loop.inference.model.ModelSidecar.Preprocessing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Models for tests (the built-in demo model under other sidecars) and for benchmarks (a model given by path). */
public final class TestModels {

    /** Benchmarks only: path of a MobileNetV2-sized ONNX model (input "input" [N,3,224,224], output "logits" [N,11]). */
    public static final String BENCH_MODEL_PROPERTY = "gourmetgram.bench.model";

    private TestModels() {}

    /** The seed's preprocessing (stretch to size×size, ImageNet mean/std) for an input named {@code inputName}. */
    public static ModelSidecar seedSidecar(String inputName, int size) {
        return new ModelSidecar(
                "food11-test",
                "test",
                Food11.LABELS,
                new ModelSidecar.Input(inputName, ModelSidecar.Layout.NCHW, size, size),
                new ModelSidecar.Output("logits", ModelSidecar.Output.Kind.LOGITS),
                new Preprocessing(
                        Preprocessing.Resize.STRETCH,
                        size,
                        size,
                        Preprocessing.ChannelOrder.RGB,
                        1 / 255.0,
                        List.of(0.485, 0.456, 0.406),
                        List.of(0.229, 0.224, 0.225)));
    }

    /** The demo model's weights (input "input" [N,3,64,64], output "logits" [N,11]) described by {@code sidecar}. */
    public static ModelFiles demoModel(ModelSidecar sidecar) {
        ModelFiles builtIn = ModelFiles.builtIn();
        return new ModelFiles(builtIn.onnx(), sidecar, builtIn.onnxLocation(), "model.json (test)");
    }

    /** The benchmark model named by -D{@value #BENCH_MODEL_PROPERTY} (see BENCHMARKS.md), with the seed's sidecar. */
    public static ModelFiles benchModel() {
        String path = System.getProperty(BENCH_MODEL_PROPERTY);
        if (path == null || !Files.isRegularFile(Path.of(path))) {
            throw new IllegalStateException("Benchmarks need a MobileNetV2-sized model: pass -D" + BENCH_MODEL_PROPERTY
                    + "=<path to an ONNX file with input 'input' [N,3,224,224] and output 'logits' [N,11]>"
                    + " (inference-processor/model-tools/export_seed_model.py writes one)");
        }
        try {
            return new ModelFiles(
                    Files.readAllBytes(Path.of(path)), seedSidecar("input", 224), path, "model.json (bench)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
