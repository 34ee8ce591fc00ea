package io.gourmetgram.loop.ingest.image;

/** What the header of an accepted photo says: its format and pixel size. */
public record InspectedImage(ImageFormat format, int width, int height) {

    public long pixels() {
        return (long) width * height;
    }
}
