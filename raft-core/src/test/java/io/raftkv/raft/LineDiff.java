package io.raftkv.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * A minimal line diff (longest common subsequence) for failure messages: {@code -} lines are only
 * expected, {@code +} lines only actual, two-space lines are common. Outputs of one script step are
 * short, so the quadratic table is fine.
 */
final class LineDiff {
    private LineDiff() {}

    static List<String> diff(List<String> expected, List<String> actual) {
        int n = expected.size();
        int m = actual.size();
        int[][] common = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                common[i][j] = expected.get(i).equals(actual.get(j))
                        ? common[i + 1][j + 1] + 1
                        : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        List<String> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && expected.get(i).equals(actual.get(j))) {
                out.add("  " + expected.get(i++));
                j++;
            } else if (i < n && (j == m || common[i + 1][j] >= common[i][j + 1])) {
                out.add("- " + expected.get(i++));
            } else {
                out.add("+ " + actual.get(j++));
            }
        }
        return out;
    }
}
