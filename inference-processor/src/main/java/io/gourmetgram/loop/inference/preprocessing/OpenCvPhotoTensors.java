package io.gourmetgram.loop.inference.preprocessing;

import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JPEGs decoded by OpenCV's bundled libjpeg-turbo (SIMD; 2–4× faster than ImageIO here), optionally
 * at 1/2, 1/4 or 1/8 scale in the DCT domain when the photo is much larger than the model input and
 * the sidecar allows it; other formats, and anything OpenCV cannot read, go through ImageIO. The
 * pixels are then resized by this project's PIL-equivalent resampler either way.
 *
 * <p>A JPEG's EXIF orientation is applied by OpenCV, so the model sees the photo upright, as users do
 * ({@link ExifOrientation} does the same on the ImageIO path).
 */
public final class OpenCvPhotoTensors implements PhotoTensors {

    private static final Logger log = LoggerFactory.getLogger(OpenCvPhotoTensors.class);
    /** A reduced decode keeps at least this many source pixels per output pixel on each side. */
    static final int MIN_OVERSAMPLING = 2;

    private final ImagePreprocessor preprocessor;
    private final PhotoTensors fallback;
    private final boolean reducedDecoding;

    private OpenCvPhotoTensors(ImagePreprocessor preprocessor, boolean reducedDecoding) {
        this.preprocessor = preprocessor;
        this.fallback = PhotoTensors.imageIo(preprocessor);
        this.reducedDecoding = reducedDecoding;
    }

    /**
     * OpenCV's decoder if its native library loads on this platform, else ImageIO (with a log line saying so).
     *
     * @param reducedDecoding whether the model's sidecar allows reduced-scale JPEG decoding
     */
    public static PhotoTensors orImageIo(ImagePreprocessor preprocessor, boolean reducedDecoding) {
        if (NativeLibrary.LOADED) {
            return new OpenCvPhotoTensors(preprocessor, reducedDecoding);
        }
        log.warn(
                "JPEG decoding falls back to ImageIO (slower): OpenCV's native library did not load: {}",
                NativeLibrary.PROBLEM);
        return PhotoTensors.imageIo(preprocessor);
    }

    @Override
    public float[] fromPhoto(byte[] bytes) {
        ImageDecoder.Header header = ImageDecoder.header(bytes);
        if (!header.isJpeg()) {
            return fallback.fromPhoto(bytes);
        }
        int scale = reducedDecoding ? reduction(header.width(), header.height()) : 1;
        MatOfByte encoded = new MatOfByte(bytes);
        Mat bgr = Imgcodecs.imdecode(encoded, flag(scale));
        try {
            if (bgr.empty() || bgr.channels() != 3 || bgr.depth() != org.opencv.core.CvType.CV_8U) {
                return fallback.fromPhoto(bytes); // a JPEG variant OpenCV refuses; ImageIO decides
            }
            // get() copies from the row on as many bytes as the array holds, stopping at the image's end.
            return preprocessor.toTensorFromBgr((row, into) -> bgr.get(row, 0, into), bgr.cols(), bgr.rows());
        } finally {
            bgr.release();
            encoded.release();
        }
    }

    /** The largest of 8, 4, 2 that keeps both sides at least twice the resized size; else 1. */
    int reduction(int width, int height) {
        int[] resized = preprocessor.resizedSize(width, height);
        for (int k = 8; k > 1; k /= 2) {
            if (width / k >= MIN_OVERSAMPLING * resized[0] && height / k >= MIN_OVERSAMPLING * resized[1]) {
                return k;
            }
        }
        return 1;
    }

    private static int flag(int scale) {
        return switch (scale) {
            case 8 -> Imgcodecs.IMREAD_REDUCED_COLOR_8;
            case 4 -> Imgcodecs.IMREAD_REDUCED_COLOR_4;
            case 2 -> Imgcodecs.IMREAD_REDUCED_COLOR_2;
            default -> Imgcodecs.IMREAD_COLOR;
        };
    }

    /** Loads the platform's OpenCV library from the openpnp jar once; remembers why not if it cannot. */
    private static final class NativeLibrary {
        static final boolean LOADED;
        static final String PROBLEM;

        static {
            boolean loaded = false;
            String problem = null;
            try {
                nu.pattern.OpenCV.loadLocally();
                org.opencv.core.Core.setNumThreads(1); // decode threads are ours; OpenCV must not add its own
                loaded = true;
            } catch (Throwable e) {
                problem = e.toString();
            }
            LOADED = loaded;
            PROBLEM = problem;
        }
    }
}
