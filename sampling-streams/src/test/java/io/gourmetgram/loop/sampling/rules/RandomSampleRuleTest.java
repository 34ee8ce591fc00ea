package io.gourmetgram.loop.sampling.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RandomSampleRuleTest {

    @Test
    void selectsTheConfiguredShareOfUploadsWithinTolerance() {
        RandomSampleRule rule = new RandomSampleRule(0.05);
        java.util.Random seeded = new java.util.Random(42);

        long selected = IntStream.range(0, 100_000)
                .mapToObj(i -> new UUID(seeded.nextLong(), seeded.nextLong()).toString())
                .filter(rule::selects)
                .count();

        // Binomial(100000, 0.05): sd ≈ 69, so ±0.3 percentage points is more than 4 sd.
        assertThat(selected / 100_000.0).isCloseTo(0.05, within(0.003));
    }

    @Test
    void theSameIdIsAlwaysDecidedTheSameWay() {
        RandomSampleRule a = new RandomSampleRule(0.3);
        RandomSampleRule b = new RandomSampleRule(0.3);

        IntStream.range(0, 1000)
                .mapToObj(i -> "upload-" + i)
                .forEach(id -> assertThat(a.selects(id)).isEqualTo(b.selects(id)));
    }

    @Test
    void aHigherRateSelectsASupersetSoRaisingItNeverDropsAnUploadFromTheSample() {
        RandomSampleRule low = new RandomSampleRule(0.1);
        RandomSampleRule high = new RandomSampleRule(0.2);

        IntStream.range(0, 5000)
                .mapToObj(i -> "u" + i)
                .filter(low::selects)
                .forEach(id -> assertThat(high.selects(id)).isTrue());
    }

    @Test
    void rateOutsideItsRangeIsRefused() {
        assertThatThrownBy(() -> new RandomSampleRule(0)).hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> new RandomSampleRule(1.5)).hasMessageContaining("(0, 1]");
    }
}
