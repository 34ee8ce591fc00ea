package io.gourmetgram.loop.inference.preprocessing;

/**
 * The largest photos scored. Anything bigger is no phone photo, and decoding it could exhaust
 * memory; anything thinner than 1:20 could not be resized in bounded memory (a 1 × 40,000,000
 * PNG compresses to 150 KB). Sizes are computed in {@code long}: {@code int} products of sides
 * overflow at 46,341 × 46,341.
 */
public final class ImageLimits {

    /** 64 megapixels: above the 48–50 MP of the largest phone sensors' full-resolution mode. */
    public static final long MAX_PIXELS = 64_000_000L;
    /** Longer side at most 20 × the shorter one: wider than any phone panorama's usual 1:8. */
    public static final long MAX_ASPECT_RATIO = 20;

    private ImageLimits() {}

    /** @throws UndecodableImageException naming the size and the limits, if the photo is outside them */
    public static void check(long width, long height) {
        long pixels = width * height;
        long shorter = Math.min(width, height);
        long longer = Math.max(width, height);
        if (shorter < 1 || pixels > MAX_PIXELS || longer > shorter * MAX_ASPECT_RATIO) {
            throw new UndecodableImageException("Image of " + width + "×" + height + " pixels is outside the limits "
                    + "(at most " + MAX_PIXELS + " pixels, longer side at most " + MAX_ASPECT_RATIO + "× the shorter)");
        }
    }
}
