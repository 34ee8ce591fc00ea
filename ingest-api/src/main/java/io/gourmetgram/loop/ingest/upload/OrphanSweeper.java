package io.gourmetgram.loop.ingest.upload;

import io.gourmetgram.loop.ingest.storage.ObjectStore;
import io.gourmetgram.loop.ingest.storage.ObjectStore.StoredObject;
import io.gourmetgram.loop.ingest.storage.ObjectStoreException;
import io.gourmetgram.loop.ingest.view.AnnouncedUploads;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes photos whose {@code Upload} event never appeared. When Kafka does not answer whether it
 * wrote an event ("outcome unknown"), the photo is kept, because the event may still land. Every
 * {@code interval} this looks at photos aged between {@code grace} and {@code grace + window}; one
 * whose id this instance has not read on {@code uploads} is deleted — but only if the view's feed was
 * caught up on {@code uploads} after the listing began, so an event merely not read yet never looks missing.
 * Replicas sweep independently; deleting twice is harmless. Keys not made by ingest-api are never touched.
 */
public final class OrphanSweeper {

    private static final Logger log = LoggerFactory.getLogger(OrphanSweeper.class);
    /** {@code yyyy/MM/dd/<uploadId>.<ext>}, as {@link UploadIntake} writes them. */
    private static final Pattern UPLOAD_KEY = Pattern.compile(
            "\\d{4}/\\d{2}/\\d{2}/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\.(jpg|png|webp)");

    /** How long a sweep waits for the view's feed to confirm it is caught up. */
    private static final Duration CATCH_UP_WAIT = Duration.ofSeconds(30);

    private final ObjectStore store;
    private final AnnouncedUploads announced;
    private final OrphanSweepProperties properties;
    private final Clock clock;
    private final MeterRegistry meters;

    public OrphanSweeper(
            ObjectStore store,
            AnnouncedUploads announced,
            OrphanSweepProperties properties,
            Clock clock,
            MeterRegistry meters) {
        this.store = store;
        this.announced = announced;
        this.properties = properties;
        this.clock = clock;
        this.meters = meters;
    }

    /** One sweep; returns how many photos were deleted. Never throws: the next sweep tries again. */
    public int sweep() {
        Instant started = clock.instant();
        Instant youngest = started.minus(properties.grace());
        Instant oldest = youngest.minus(properties.window());
        try {
            announced.prune();
            List<StoredObject> unannounced = new ArrayList<>();
            for (LocalDate day = LocalDate.ofInstant(oldest, ZoneOffset.UTC);
                    !day.isAfter(LocalDate.ofInstant(youngest, ZoneOffset.UTC));
                    day = day.plusDays(1)) {
                for (StoredObject object : store.list(
                        String.format("%04d/%02d/%02d/", day.getYear(), day.getMonthValue(), day.getDayOfMonth()))) {
                    uploadIdOf(object)
                            .filter(id -> !announced.contains(id))
                            .filter(id -> !object.lastModified().isBefore(oldest)
                                    && !object.lastModified().isAfter(youngest))
                            .ifPresent(id -> unannounced.add(object));
                }
            }
            if (unannounced.isEmpty()) {
                return 0;
            }
            // An event written before the listing began must have been read before its photo is judged.
            if (!announced.awaitCaughtUpSince(started, CATCH_UP_WAIT)) {
                log.info("Orphan sweep postponed: the upload view has not confirmed it read all of uploads");
                return 0;
            }
            int deleted = 0;
            for (StoredObject object : unannounced) {
                if (uploadIdOf(object).filter(announced::contains).isEmpty()) {
                    store.delete(object.ref());
                    deleted++;
                    meters.counter("gourmetgram.ingest.uploads.orphans", "outcome", "swept")
                            .increment();
                    log.warn(
                            "Deleted photo {}/{}: stored at {} but no Upload event for it appeared",
                            object.ref().bucket(),
                            object.ref().key(),
                            object.lastModified());
                }
            }
            return deleted;
        } catch (ObjectStoreException e) {
            log.warn("Orphan sweep skipped: {}", e.getMessage());
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (RuntimeException e) {
            log.error("Orphan sweep failed; the next one tries again", e);
            return 0;
        }
    }

    /** The upload id of a key ingest-api wrote; empty for any other object, which is never touched. */
    private static Optional<String> uploadIdOf(StoredObject object) {
        Matcher key = UPLOAD_KEY.matcher(object.ref().key());
        return key.matches() ? Optional.of(key.group(1)) : Optional.empty();
    }
}
