package io.gourmetgram.loop.inference.model;

import io.gourmetgram.loop.events.EventJson;
import io.gourmetgram.loop.events.ModelRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import tools.jackson.core.JacksonException;

/**
 * A model as it sits on disk or in the jar: the ONNX bytes, the parsed sidecar, and where each came
 * from (named in every error so a newcomer knows which file to fix).
 */
public record ModelFiles(byte[] onnx, ModelSidecar sidecar, String onnxLocation, String sidecarLocation) {

    /** The demo model shipped inside this module's jar. */
    public static final String BUILT_IN = "models/food11-demo";

    public static ModelFiles fromDirectory(Path dir) {
        Path onnx = dir.resolve("model.onnx");
        Path json = dir.resolve("model.json");
        if (!Files.isRegularFile(onnx) || !Files.isRegularFile(json)) {
            throw new ModelMismatchException(
                    "Model directory " + dir.toAbsolutePath()
                            + " must contain model.onnx and model.json (see inference-processor/README.md, 'Serving your own model')");
        }
        try (InputStream sidecar = Files.newInputStream(json)) {
            return new ModelFiles(
                    Files.readAllBytes(onnx), parse(sidecar, json.toString()), onnx.toString(), json.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read model files in " + dir, e);
        }
    }

    public static ModelFiles builtIn() {
        ClassLoader loader = ModelFiles.class.getClassLoader();
        String onnxName = BUILT_IN + "/model.onnx";
        String jsonName = BUILT_IN + "/model.json";
        try (InputStream onnx = Objects.requireNonNull(loader.getResourceAsStream(onnxName), onnxName);
                InputStream json = Objects.requireNonNull(loader.getResourceAsStream(jsonName), jsonName)) {
            return new ModelFiles(
                    onnx.readAllBytes(),
                    parse(json, "classpath:" + jsonName),
                    "classpath:" + onnxName,
                    "classpath:" + jsonName);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the built-in model", e);
        }
    }

    public ModelRef modelRef() {
        return new ModelRef(sidecar.id(), sidecar.version());
    }

    public List<String> labels() {
        return sidecar.labels();
    }

    private static ModelSidecar parse(InputStream json, String location) {
        try {
            ModelSidecar sidecar = EventJson.mapper().readValue(json, ModelSidecar.class);
            SidecarRules.check(sidecar, location);
            return sidecar;
        } catch (JacksonException e) {
            throw new ModelMismatchException(location + " is not a valid model sidecar: " + e.getOriginalMessage());
        }
    }
}
