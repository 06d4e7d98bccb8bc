package io.raftkv.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names the Grafana dashboard (deploy/grafana/dashboards/raftkv.json) queries, so a test
 * can check each against what a real node exports: a renamed meter then fails CI instead of
 * leaving an empty panel.
 */
final class Dashboard {
    static final String PATH = "deploy/grafana/dashboards/raftkv.json";
    /** "expr": "..." in the dashboard's JSON (PromQL has no escaped quotes in our queries). */
    private static final Pattern EXPRESSION = Pattern.compile("\"expr\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    /** Our metrics all start with one of these; label names (node_id, le, queue) never do. */
    private static final Pattern METRIC = Pattern.compile("\\b((?:raft|grpc|jvm|process|disk)_[a-z0-9_]+)\\b");
    /** Series Prometheus makes itself, not the nodes. */
    private static final Set<String> PROMETHEUS_OWN = Set.of("up");

    private Dashboard() {}

    static SortedSet<String> metricNames() throws IOException {
        String json = Files.readString(Repository.file(PATH));
        SortedSet<String> names = new TreeSet<>();
        Matcher expression = EXPRESSION.matcher(json);
        while (expression.find()) {
            Matcher metric = METRIC.matcher(expression.group(1));
            while (metric.find()) {
                if (!PROMETHEUS_OWN.contains(metric.group(1))) {
                    names.add(metric.group(1));
                }
            }
        }
        return names;
    }

    /** Metric names in a Prometheus text scrape (the part of each sample line before '{' or ' '). */
    static SortedSet<String> namesIn(String scrape) {
        SortedSet<String> names = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int end = line.length();
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            if (brace >= 0) {
                end = brace;
            } else if (space >= 0) {
                end = space;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }
}
