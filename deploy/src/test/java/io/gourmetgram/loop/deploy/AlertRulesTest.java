package io.gourmetgram.loop.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The alert rules the chart ships and compose loads, checked and unit-tested by Prometheus' own promtool. */
class AlertRulesTest {

    static final Path RULES = Repo.path("helm/gourmetgram-loop/files/alerts/gourmetgram.yml");

    @Test
    void rulesAreValid() throws Exception {
        ExternalTool.PROMTOOL.assumeInstalled();
        ExternalTool.Result check =
                ExternalTool.PROMTOOL.run(RULES.getParent(), Map.of(), "check", "rules", RULES.toString());
        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS");
    }

    @Test
    void alertsFireOnlyWhenTheyShould(@TempDir Path dir) throws Exception {
        ExternalTool.PROMTOOL.assumeInstalled();
        // promtool resolves rule_files relative to the test file: put both side by side.
        Files.copy(RULES, dir.resolve("gourmetgram.yml"));
        try (var test = getClass().getResourceAsStream("/promtool/gourmetgram-test.yml")) {
            Files.copy(test, dir.resolve("gourmetgram-test.yml"));
        }
        ExternalTool.Result result = ExternalTool.PROMTOOL.run(dir, Map.of(), "test", "rules", "gourmetgram-test.yml");
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS");
    }
}
