package io.gourmetgram.loop.ingest.image;

import io.gourmetgram.loop.support.problem.ApiProblem;
import io.gourmetgram.loop.support.problem.ProblemType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Checks an uploaded photo before anything is stored: its format from the magic bytes, and its pixel
 * count from the header alone. A decompression bomb (a small file claiming a huge canvas) is refused
 * without ever allocating its pixels.
 */
public final class ImageInspector {

    private final ImageBounds bounds;

    public ImageInspector(ImageBounds bounds) {
        this.bounds = bounds;
        // Servlet containers may initialise ImageIO before our jars are visible; twelvemonkeys asks for a rescan.
        ImageIO.scanForPlugins();
        for (ImageFormat format : ImageFormat.values()) {
            if (!ImageIO.getImageReadersByMIMEType(format.mediaType()).hasNext()) {
                throw new IllegalStateException("No ImageIO reader for " + format.mediaType()
                        + " on the classpath; the twelvemonkeys imageio-jpeg/-webp jars are missing");
            }
        }
    }

    public InspectedImage inspect(byte[] bytes) {
        ImageFormat format = ImageFormat.sniff(bytes)
                .orElseThrow(() -> new ApiProblem(
                                ProblemType.UNSUPPORTED_IMAGE_TYPE,
                                "This is not a JPEG, PNG or WebP image (its first bytes are " + leadingBytes(bytes)
                                        + "). The file name and the declared content type are not trusted; only the content counts.")
                        .with(
                                "supportedTypes",
                                Arrays.stream(ImageFormat.values())
                                        .map(ImageFormat::mediaType)
                                        .toList()));
        if (format == ImageFormat.WEBP && ImageFormat.isAnimatedWebp(bytes)) {
            throw new ApiProblem(
                            ProblemType.UNSUPPORTED_IMAGE_TYPE,
                            "This is an animated WebP. Only still photos are"
                                    + " accepted: send a single frame as JPEG, PNG or WebP.")
                    .with(
                            "supportedTypes",
                            Arrays.stream(ImageFormat.values())
                                    .map(ImageFormat::mediaType)
                                    .toList());
        }
        InspectedImage image = readHeader(format, bytes);
        if (image.pixels() > bounds.maxPixels()) {
            throw new ApiProblem(
                            ProblemType.TOO_MANY_PIXELS,
                            String.format(
                                    Locale.ROOT,
                                    "The photo is %d x %d = %.1f megapixels; at most %.1f megapixels are accepted. Scale it down and try again.",
                                    image.width(),
                                    image.height(),
                                    image.pixels() / 1e6,
                                    bounds.maxPixels() / 1e6))
                    .with("width", image.width())
                    .with("height", image.height())
                    .with("maxPixels", bounds.maxPixels());
        }
        if (!bounds.sidesFit(image.width(), image.height())) {
            throw new ApiProblem(
                            ProblemType.UNSUPPORTED_DIMENSIONS,
                            String.format(
                                    Locale.ROOT,
                                    "The photo is %d x %d pixels. Each side must be between %d and %d pixels and the aspect ratio"
                                            + " (longer side / shorter side) at most %d:1. Crop or scale it and try again.",
                                    image.width(),
                                    image.height(),
                                    bounds.minSide(),
                                    bounds.maxSide(),
                                    bounds.maxAspectRatio()))
                    .with("width", image.width())
                    .with("height", image.height())
                    .with("minSide", bounds.minSide())
                    .with("maxSide", bounds.maxSide())
                    .with("maxAspectRatio", bounds.maxAspectRatio());
        }
        if (format == ImageFormat.JPEG && !JpegEnd.isPresent(bytes)) {
            throw new ApiProblem(
                    ProblemType.TRUNCATED_IMAGE,
                    "The JPEG has no end-of-image marker after its image"
                            + " data: the file is truncated (an interrupted upload or copy?). Send the whole file.");
        }
        return image;
    }

    private static InspectedImage readHeader(ImageFormat format, byte[] bytes) {
        if (format == ImageFormat.JPEG) {
            try {
                JpegFrame frame = JpegFrame.read(bytes);
                return sized(format, frame.width(), frame.height());
            } catch (IOException e) {
                throw unreadable(format, e);
            }
        }
        Iterator<ImageReader> readers = ImageIO.getImageReadersByMIMEType(format.mediaType());
        ImageReader reader = readers.next();
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            return sized(format, reader.getWidth(0), reader.getHeight(0));
        } catch (IOException | RuntimeException e) {
            throw unreadable(format, e);
        } finally {
            reader.dispose();
        }
    }

    private static InspectedImage sized(ImageFormat format, int width, int height) throws IOException {
        if (width <= 0 || height <= 0) {
            throw new IOException("header gives a size of " + width + " x " + height);
        }
        return new InspectedImage(format, width, height);
    }

    private static ApiProblem unreadable(ImageFormat format, Exception e) {
        return new ApiProblem(
                ProblemType.UNREADABLE_IMAGE,
                "The file starts like a " + format.mediaType() + " image but its header cannot be read ("
                        + e.getMessage() + "). The file may be truncated or corrupt.",
                e);
    }

    private static String leadingBytes(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            hex.append(i == 0 ? "" : " ").append(String.format("%02X", bytes[i]));
        }
        return hex.isEmpty() ? "absent" : hex.toString();
    }
}
