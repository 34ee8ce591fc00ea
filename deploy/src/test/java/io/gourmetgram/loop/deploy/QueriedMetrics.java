package io.gourmetgram.loop.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.Yaml;

/** Every PromQL expression of the dashboards and alert rules, with the metric and label names it relies on. */
final class QueriedMetrics {

    static final Path DASHBOARDS = Repo.path("helm/gourmetgram-loop/files/dashboards");
    static final Path RULES = Repo.path("helm/gourmetgram-loop/files/alerts");
    /** Metric names: the project's own, and the families Micrometer and the Kafka clients publish. */
    private static final Pattern NAME =
            Pattern.compile("\\b(?:gourmetgram|kafka|http|jvm|process|executor|spring)_[a-z0-9_]+\\b");

    private static final Pattern SELECTOR = Pattern.compile("\\b([a-z_][a-z0-9_]*)\\{([^}]*)}");
    private static final Pattern MATCHER_LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)");
    private static final Pattern GROUPING = Pattern.compile("\\b(?:by|without)\\s*\\(([^)]*)\\)");
    private static final Pattern DASHBOARD_EXPR = Pattern.compile("\"expr\":\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    /**
     * One expression: the metrics it reads, the labels it matches on each of them, and the labels it groups by
     * (which one of its metrics must carry).
     */
    record Query(
            String file,
            String expr,
            Set<String> metrics,
            Map<String, Set<String>> matchedLabels,
            Set<String> groupedBy) {}

    private QueriedMetrics() {}

    static List<Query> all() throws IOException {
        List<Query> queries = new ArrayList<>();
        for (Path file : files(DASHBOARDS, ".json")) {
            Matcher m = DASHBOARD_EXPR.matcher(Files.readString(file));
            while (m.find()) {
                queries.add(parse(file, m.group(1).replace("\\\"", "\"")));
            }
        }
        for (Path file : files(RULES, ".yml")) {
            for (String expr : ruleExpressions(file)) {
                queries.add(parse(file, expr));
            }
        }
        return queries;
    }

    static Query parse(Path file, String expr) {
        Set<String> metrics = new TreeSet<>();
        Matcher names = NAME.matcher(expr);
        while (names.find()) {
            metrics.add(names.group());
        }
        Map<String, Set<String>> matched = new TreeMap<>();
        Matcher selectors = SELECTOR.matcher(expr);
        while (selectors.find()) {
            if (metrics.contains(selectors.group(1))) {
                Matcher labels = MATCHER_LABEL.matcher(selectors.group(2));
                while (labels.find()) {
                    matched.computeIfAbsent(selectors.group(1), k -> new TreeSet<>())
                            .add(labels.group(1));
                }
            }
        }
        Set<String> grouped = new TreeSet<>();
        Matcher groupings = GROUPING.matcher(expr);
        while (groupings.find()) {
            for (String label : groupings.group(1).split(",")) {
                if (!label.isBlank()) {
                    grouped.add(label.trim());
                }
            }
        }
        String where =
                file.startsWith(Repo.path("")) ? Repo.path("").relativize(file).toString() : file.toString();
        return new Query(where, expr, metrics, matched, grouped);
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

    private static List<Path> files(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        }
    }
}
