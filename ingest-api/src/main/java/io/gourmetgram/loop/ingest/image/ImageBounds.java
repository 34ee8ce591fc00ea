package io.gourmetgram.loop.ingest.image;

/**
 * The shapes of photo we accept, checked on the header before anything is stored. Sizes are
 * compared as {@code long}: a side times a side or a ratio must never overflow.
 *
 * @param maxPixels      largest width x height
 * @param minSide        smallest width or height; below it there is nothing to classify
 * @param maxSide        largest width or height
 * @param maxAspectRatio largest longer side / shorter side (a 1 x 40,000,000 sliver is not a food photo)
 */
public record ImageBounds(long maxPixels, int minSide, int maxSide, int maxAspectRatio) {

    boolean sidesFit(long width, long height) {
        long shorter = Math.min(width, height);
        long longer = Math.max(width, height);
        return shorter >= minSide && longer <= maxSide && longer <= shorter * maxAspectRatio;
    }
}
