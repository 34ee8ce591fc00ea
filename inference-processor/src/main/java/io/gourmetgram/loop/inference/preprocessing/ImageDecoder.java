package io.gourmetgram.loop.inference.preprocessing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Collections;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes JPEG, PNG and WebP (TwelveMonkeys plug-ins on the classpath) into pixels, after checking
 * the size the header declares: a photo outside {@link ImageLimits} is refused before a single
 * pixel is allocated, so one hostile header cannot exhaust memory or overflow a size.
 */
public final class ImageDecoder {

    private ImageDecoder() {}

    /** Format and size as the header declares them. */
    public record Header(String format, int width, int height) {
        public boolean isJpeg() {
            return format.equalsIgnoreCase("jpeg") || format.equalsIgnoreCase("jpg");
        }
    }

    /**
     * Reads only the header and checks the size against {@link ImageLimits}. A JPEG's size comes from its frame
     * header in the bytes already in memory (what libjpeg itself reads); other formats, and JPEGs whose markers
     * cannot be followed to a frame header, go through ImageIO's reader.
     *
     * @throws UndecodableImageException when no decoder recognises the bytes, or the size is outside the limits
     */
    public static Header header(byte[] bytes) {
        Header jpeg = JpegFrame.header(bytes);
        if (jpeg != null) {
            ImageLimits.check(jpeg.width(), jpeg.height());
            return jpeg;
        }
        return withReader(bytes, reader -> new Header(reader.getFormatName(), reader.getWidth(0), reader.getHeight(0)));
    }

    /**
     * The pixels, upright as a viewer shows them (a JPEG's EXIF orientation applied).
     *
     * @throws UndecodableImageException when the bytes are not an image we can read, or one outside the limits
     */
    public static BufferedImage decode(byte[] bytes) {
        return withReader(bytes, reader -> {
            BufferedImage image = reader.read(0);
            if (image == null) {
                throw new UndecodableImageException("The " + reader.getFormatName() + " decoder returned no image");
            }
            boolean jpeg = reader.getFormatName().equalsIgnoreCase("jpeg");
            return jpeg ? ExifOrientation.upright(image, ExifOrientation.of(bytes)) : image;
        });
    }

    private interface ReaderTask<T> {
        T apply(ImageReader reader) throws IOException;
    }

    /** Runs the task with the reader for these bytes once their declared size passed the limits. */
    private static <T> T withReader(byte[] bytes, ReaderTask<T> task) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = in == null ? Collections.emptyIterator() : ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new UndecodableImageException("No image decoder recognises these " + bytes.length + " bytes");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                ImageLimits.check(reader.getWidth(0), reader.getHeight(0));
                return task.apply(reader);
            } finally {
                reader.dispose();
            }
        } catch (UndecodableImageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new UndecodableImageException("Image cannot be decoded: " + e.getMessage());
        } catch (OutOfMemoryError e) {
            throw new UndecodableImageException("Image of " + bytes.length
                    + " bytes needs more memory to decode than this" + " service has: " + e.getMessage());
        }
    }
}
