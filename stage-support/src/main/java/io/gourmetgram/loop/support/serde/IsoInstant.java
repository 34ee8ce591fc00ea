package io.gourmetgram.loop.support.serde;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * The ISO-8601 UTC form every event writes its instants in ({@code 2026-11-30T12:00:00.123Z}, as
 * {@link Instant#toString()}), read without {@code DateTimeFormatter}: parsing through it was a quarter
 * of the time Jackson spent reading a prediction. Only that one canonical form is read here; anything
 * else (an offset, a leap second, a year past 9999) is left to the general path.
 */
public final class IsoInstant {

    private static final int MIN_LENGTH = "2026-11-30T12:00:00Z".length();

    private IsoInstant() {}

    /** The instant {@code text} names in the canonical form, or null when it is in any other form. */
    public static Instant parseCanonical(String text) {
        int length = text.length();
        if (length < MIN_LENGTH
                || text.charAt(4) != '-'
                || text.charAt(7) != '-'
                || text.charAt(10) != 'T'
                || text.charAt(13) != ':'
                || text.charAt(16) != ':'
                || text.charAt(length - 1) != 'Z') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if (year < 0
                || month < 0
                || day < 0
                || hour < 0
                || hour > 23
                || minute < 0
                || minute > 59
                || second < 0
                || second > 59) {
            return null;
        }
        int nanos = 0;
        int fractionDigits = length - 1 - MIN_LENGTH;
        if (fractionDigits != -1) {
            // a dot and 1–9 digits
            if (fractionDigits < 1 || fractionDigits > 9 || text.charAt(19) != '.') {
                return null;
            }
            int fraction = digits(text, 20, fractionDigits);
            if (fraction < 0) {
                return null;
            }
            nanos = fraction;
            for (int i = fractionDigits; i < 9; i++) {
                nanos *= 10;
            }
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            return null; // e.g. 2026-02-30: the general path reports it
        }
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    }

    /** The value of {@code count} ASCII digits at {@code from}, or -1 if any is not a digit. */
    private static int digits(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
