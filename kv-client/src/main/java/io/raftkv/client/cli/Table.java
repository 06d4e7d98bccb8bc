package io.raftkv.client.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A bordered text table in the style of etcdctl's {@code -w table}. Not thread-safe. */
final class Table {
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  Table(String... header) {
    this.header = List.of(header);
  }

  Table row(Object... cells) {
    if (cells.length != header.size()) {
      throw new IllegalArgumentException("row has " + cells.length + " cells; the header has " + header.size());
    }
    List<String> row = new ArrayList<>(cells.length);
    for (Object cell : cells) {
      row.add(String.valueOf(cell));
    }
    rows.add(row);
    return this;
  }

  void print(PrintStream out) {
    int[] widths = new int[header.size()];
    for (int column = 0; column < widths.length; column++) {
      widths[column] = header.get(column).length();
      for (List<String> row : rows) {
        widths[column] = Math.max(widths[column], row.get(column).length());
      }
    }
    String border = border(widths);
    out.println(border);
    out.println(line(header, widths));
    out.println(border);
    for (List<String> row : rows) {
      out.println(line(row, widths));
    }
    out.println(border);
  }

  private static String border(int[] widths) {
    StringBuilder line = new StringBuilder("+");
    for (int width : widths) {
      line.append("-".repeat(width + 2)).append('+');
    }
    return line.toString();
  }

  private static String line(List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder("|");
    for (int column = 0; column < widths.length; column++) {
      String cell = cells.get(column);
      line.append(' ').append(cell).append(" ".repeat(widths[column] - cell.length())).append(" |");
    }
    return line.toString();
  }
}
