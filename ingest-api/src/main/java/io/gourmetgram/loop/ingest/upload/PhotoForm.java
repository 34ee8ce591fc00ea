package io.gourmetgram.loop.ingest.upload;

import io.gourmetgram.loop.support.problem.ApiProblem;
import io.gourmetgram.loop.support.problem.ProblemType;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * A {@code multipart/form-data} body (RFC 7578) already in memory, and the one part of it that carries the photo.
 *
 * <p>The container's parser scanned every byte of the photo for the boundary and copied it through a buffer per
 * part; here the boundary is found with a Horspool search, which looks at about one byte in every
 * boundary-length of the photo, and the photo is copied out of the body once.
 */
final class PhotoForm {

    private static final byte[] HEADERS_END = {'\r', '\n', '\r', '\n'};
    /** RFC 2046: a boundary has 1 to 70 characters. */
    private static final int MAX_BOUNDARY = 70;

    private final byte[] delimiter;
    private final int[] shift = new int[256];

    private PhotoForm(String boundary) {
        // Every part but the first starts after CRLF "--" boundary; the first may start the body.
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        Arrays.fill(shift, delimiter.length);
        for (int i = 0; i < delimiter.length - 1; i++) {
            shift[delimiter[i] & 0xFF] = delimiter.length - 1 - i;
        }
    }

    /** The form described by a request's {@code Content-Type}; 400 when it names no usable boundary. */
    static PhotoForm of(String contentType) {
        String boundary = boundaryOf(contentType);
        if (boundary == null) {
            throw unreadable();
        }
        return new PhotoForm(boundary);
    }

    /**
     * The content of the first part named {@code field}, or null when the form has no such part.
     *
     * @throws ApiProblem 400 when the body is not a complete form with this boundary
     */
    byte[] part(byte[] body, String field) {
        int afterBoundary;
        if (startsWithDashBoundary(body)) {
            afterBoundary = delimiter.length - 2; // the first boundary may start the body, without CRLF
        } else {
            int at = indexOf(body, 0); // after a preamble
            if (at < 0) {
                throw unreadable();
            }
            afterBoundary = at + delimiter.length;
        }
        while (true) {
            if (regionIs(body, afterBoundary, "--")) {
                return null; // the close delimiter: no part left
            }
            int headersStart = lineEnd(body, afterBoundary);
            if (headersStart < 0) {
                throw unreadable();
            }
            int headersEnd;
            if (regionIs(body, headersStart, "\r\n")) {
                headersEnd = headersStart; // a part without headers
            } else {
                int blank = find(body, HEADERS_END, headersStart);
                if (blank < 0) {
                    throw unreadable();
                }
                headersEnd = blank + 2;
            }
            int contentStart = headersEnd + 2;
            int next = indexOf(body, contentStart);
            if (next < 0) {
                throw unreadable(); // cut off before the part's end
            }
            if (field.equals(
                    nameOf(new String(body, headersStart, headersEnd - headersStart, StandardCharsets.UTF_8)))) {
                return Arrays.copyOfRange(body, contentStart, next);
            }
            afterBoundary = next + delimiter.length;
        }
    }

    /** Horspool search for the delimiter from {@code from}; the index where it starts, or -1. */
    private int indexOf(byte[] body, int from) {
        int m = delimiter.length;
        byte last = delimiter[m - 1];
        for (int i = from; i <= body.length - m; ) {
            byte b = body[i + m - 1];
            if (b == last && Arrays.equals(body, i, i + m - 1, delimiter, 0, m - 1)) {
                return i;
            }
            i += shift[b & 0xFF];
        }
        return -1;
    }

    private boolean startsWithDashBoundary(byte[] body) {
        int m = delimiter.length - 2;
        return body.length >= m && Arrays.equals(body, 0, m, delimiter, 2, delimiter.length);
    }

    /** After a boundary line (optional transport padding, then CRLF): where the next line begins, or -1. */
    private static int lineEnd(byte[] body, int from) {
        int i = from;
        while (i < body.length && (body[i] == ' ' || body[i] == '\t')) {
            i++;
        }
        return regionIs(body, i, "\r\n") ? i + 2 : -1;
    }

    private static int find(byte[] body, byte[] what, int from) {
        for (int i = from; i <= body.length - what.length; i++) {
            if (body[i] == what[0] && Arrays.equals(body, i, i + what.length, what, 0, what.length)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean regionIs(byte[] body, int at, String ascii) {
        if (at < 0 || at + ascii.length() > body.length) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (body[at + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The {@code name} parameter of a part's {@code Content-Disposition: form-data} header, or null. */
    static String nameOf(String headers) {
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-disposition")) {
                return parameter(line.substring(colon + 1), "name");
            }
        }
        return null;
    }

    /** The boundary parameter of a {@code multipart/form-data} content type, or null. */
    static String boundaryOf(String contentType) {
        if (contentType == null || !contentType.trim().toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            return null;
        }
        String boundary = parameter(contentType, "boundary");
        return boundary == null || boundary.isEmpty() || boundary.length() > MAX_BOUNDARY ? null : boundary;
    }

    /** A parameter ({@code ; key=value} or {@code ; key="value"}) of a header value; null when absent. */
    private static String parameter(String header, String key) {
        int i = header.indexOf(';');
        while (i >= 0 && i < header.length()) {
            int eq = header.indexOf('=', i);
            if (eq < 0) {
                return null;
            }
            String name = header.substring(i + 1, eq).trim();
            int start = eq + 1;
            String value;
            int end;
            if (start < header.length() && header.charAt(start) == '"') {
                end = header.indexOf('"', start + 1);
                if (end < 0) {
                    return null;
                }
                value = header.substring(start + 1, end);
                end = header.indexOf(';', end);
            } else {
                end = header.indexOf(';', start);
                value = header.substring(start, end < 0 ? header.length() : end).trim();
            }
            if (name.equalsIgnoreCase(key)) {
                return value;
            }
            i = end;
        }
        return null;
    }

    static ApiProblem unreadable() {
        return new ApiProblem(
                ProblemType.BAD_REQUEST,
                "The multipart form could not be read. Send the photo as the form field 'file' (curl -F"
                        + " file=@photo.jpg ...) or as the raw request body.");
    }
}
