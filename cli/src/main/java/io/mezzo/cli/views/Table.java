package io.mezzo.cli.views;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain-text table fitted to a width: columns as wide as their widest cell, two spaces
 * apart; when that is too wide, the widest columns give way first and their cells are cut
 * with {@code …} (the last column is never padded).
 */
final class Table {
  /** Used when {@code $COLUMNS} is unset: wide enough for ids and resources, narrow enough for a log. */
  static final int DEFAULT_WIDTH = 120;
  private static final int MIN_COLUMN = 6;
  private static final String GAP = "  ";

  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  Table(String... headers) {
    this.headers = List.of(headers);
  }

  Table row(Object... cells) {
    if (cells.length != headers.size()) {
      throw new IllegalArgumentException("A row of " + headers + " needs " + headers.size() + " cells, got "
          + Arrays.toString(cells));
    }
    rows.add(Arrays.stream(cells).map(String::valueOf).toList());
    return this;
  }

  int size() {
    return rows.size();
  }

  /** The width of the terminal: {@code $COLUMNS} when it is a number, else {@link #DEFAULT_WIDTH}. */
  static int terminalWidth() {
    String columns = System.getenv("COLUMNS");
    try {
      int width = columns == null ? 0 : Integer.parseInt(columns.trim());
      return width > 0 ? width : DEFAULT_WIDTH;
    } catch (NumberFormatException e) {
      return DEFAULT_WIDTH;
    }
  }

  String render() {
    return render(terminalWidth());
  }

  /** The table in lines of at most {@code width} characters (unless even the narrowest columns do not fit). */
  String render(int width) {
    int[] widths = new int[headers.size()];
    for (int c = 0; c < widths.length; c++) {
      widths[c] = headers.get(c).length();
      for (List<String> row : rows) {
        widths[c] = Math.max(widths[c], row.get(c).length());
      }
    }
    fit(widths, width);
    StringBuilder out = new StringBuilder();
    line(headers, widths, out);
    rows.forEach(row -> line(row, widths, out));
    return out.toString();
  }

  private static void fit(int[] widths, int width) {
    int total = Arrays.stream(widths).sum() + GAP.length() * (widths.length - 1);
    while (total > width) {
      int widest = 0;
      for (int c = 1; c < widths.length; c++) {
        if (widths[c] > widths[widest]) {
          widest = c;
        }
      }
      if (widths[widest] <= MIN_COLUMN) {
        return;
      }
      widths[widest]--;
      total--;
    }
  }

  private static void line(List<String> cells, int[] widths, StringBuilder out) {
    StringBuilder line = new StringBuilder();
    for (int c = 0; c < widths.length; c++) {
      String cell = cells.get(c);
      if (cell.length() > widths[c]) {
        cell = cell.substring(0, widths[c] - 1) + "…";
      }
      line.append(cell);
      if (c < widths.length - 1) {
        line.append(" ".repeat(widths[c] - cell.length())).append(GAP);
      }
    }
    out.append(line.toString().stripTrailing()).append('\n');
  }
}
