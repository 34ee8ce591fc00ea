package io.gourmetgram.loop.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.Yaml;

/** Every metric name the dashboards and alert rules query, with where it is queried. */
final class QueriedMetrics {

    static final Path DASHBOARDS = Repo.path("helm/gourmetgram-loop/files/dashboards");
    static final Path RULES = Repo.path("helm/gourmetgram-loop/files/alerts");
    /** Metric names: the project's own, and the families Micrometer and the Kafka clients publish. */
    private static final Pattern NAME = Pattern.compile("\\b(?:gourmetgram|kafka|http|jvm|process|executor|spring)_[a-z0-9_]+\\b");
    private static final Pattern DASHBOARD_EXPR = Pattern.compile("\"expr\":\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private QueriedMetrics() {
    }

    /** Name → the files that query it. */
    static Map<String, TreeSet<String>> all() throws IOException {
        Map<String, TreeSet<String>> names = new TreeMap<>();
        for (Path file : files(DASHBOARDS, ".json")) {
            Matcher m = DASHBOARD_EXPR.matcher(Files.readString(file));
            while (m.find()) {
                add(names, m.group(1), file);
            }
        }
        for (Path file : files(RULES, ".yml")) {
            for (String expr : ruleExpressions(file)) {
                add(names, expr, file);
            }
        }
        return names;
    }

    static List<String> ruleExpressions(Path file) throws IOException {
        Map<String, List<Map<String, Object>>> doc = new Yaml().load(Files.readString(file));
        List<String> exprs = new ArrayList<>();
        for (Map<String, Object> group : doc.get("groups")) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> rules = (List<Map<String, Object>>) group.get("rules");
            rules.forEach(r -> exprs.add(r.get("expr").toString()));
        }
        return exprs;
    }

    private static void add(Map<String, TreeSet<String>> names, String expr, Path file) {
        Matcher m = NAME.matcher(expr.replace("\\\"", "\""));
        while (m.find()) {
            names.computeIfAbsent(m.group(), k -> new TreeSet<>()).add(Repo.path("").relativize(file).toString());
        }
    }

    private static List<Path> files(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        }
    }
}
