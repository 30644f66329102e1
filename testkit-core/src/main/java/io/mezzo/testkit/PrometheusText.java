package io.mezzo.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests that read a
 * {@code /metrics} page as Prometheus would (no Java library on Maven Central parses the text
 * format; Prometheus's own Java client only writes it). Checked: the line grammar ({@code # HELP
 * name text}, {@code # TYPE name type}, {@code name{label="value",...} value [timestamp]}), name
 * and label-name syntax, label-value and help escapes, float values (with {@code NaN},
 * {@code +Inf}, {@code -Inf}), at most one HELP and one TYPE per family and TYPE before its
 * samples, a family's samples in one block, the summary and histogram sample suffixes, and no
 * series twice. Any violation throws {@link IllegalArgumentException} naming the line.
 */
public final class PrometheusText {
  /** One sample line. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  /** A metric family: its TYPE ({@code untyped} when none was given), HELP and samples. */
  public record Family(String name, String type, String help, List<Sample> samples) {}

  private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

  private final Map<String, Family> families;

  private PrometheusText(Map<String, Family> families) {
    this.families = Collections.unmodifiableMap(families);
  }

  public Map<String, Family> families() {
    return families;
  }

  public Optional<Family> family(String name) {
    return Optional.ofNullable(families.get(name));
  }

  /** The value of the one sample with this name and exactly these labels (pairs of name, value). */
  public double value(String sampleName, String... labelPairs) {
    Map<String, String> wanted = new TreeMap<>();
    for (int i = 0; i + 1 < labelPairs.length; i += 2) {
      wanted.put(labelPairs[i], labelPairs[i + 1]);
    }
    for (Family family : families.values()) {
      for (Sample sample : family.samples()) {
        if (sample.name().equals(sampleName) && new TreeMap<>(sample.labels()).equals(wanted)) {
          return sample.value();
        }
      }
    }
    throw new IllegalArgumentException("No sample " + sampleName + wanted);
  }

  /** Every sample with this name, whatever its labels. */
  public List<Sample> samples(String sampleName) {
    List<Sample> found = new ArrayList<>();
    families.values().forEach(f -> f.samples().stream().filter(s -> s.name().equals(sampleName)).forEach(found::add));
    return found;
  }

  public static PrometheusText parse(String text) {
    Map<String, String> types = new LinkedHashMap<>();
    Map<String, String> helps = new LinkedHashMap<>();
    Map<String, List<Sample>> samples = new LinkedHashMap<>();
    Set<String> closed = new HashSet<>();
    Set<String> series = new HashSet<>();
    String current = null;
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int number = i + 1;
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("#")) {
        String[] parts = line.split(" ", 4);
        boolean meta = parts.length >= 3 && (parts[1].equals("HELP") || parts[1].equals("TYPE"));
        if (!meta) {
          continue; // a plain comment
        }
        String name = parts[2];
        requireName(name, number);
        if (samples.containsKey(name) || closed.contains(name)) {
          throw error(number, parts[1] + " for " + name + " after its samples");
        }
        if (parts[1].equals("TYPE")) {
          String type = parts.length == 4 ? parts[3] : "";
          if (!TYPES.contains(type)) {
            throw error(number, "unknown type '" + type + "'");
          }
          if (types.put(name, type) != null) {
            throw error(number, "a second TYPE for " + name);
          }
        } else if (helps.put(name, unescape(parts.length == 4 ? parts[3] : "", false, number)) != null) {
          throw error(number, "a second HELP for " + name);
        }
        continue;
      }
      Sample sample = sample(line, number);
      String family = familyOf(sample, types);
      if (!family.equals(current)) {
        if (current != null) {
          closed.add(current);
        }
        if (closed.contains(family)) {
          throw error(number, "samples of " + family + " are not in one block");
        }
        current = family;
      }
      checkSuffix(sample, family, types.getOrDefault(family, "untyped"), number);
      if (!series.add(sample.name() + new TreeMap<>(sample.labels()))) {
        throw error(number, "series " + sample.name() + sample.labels() + " appears twice");
      }
      samples.computeIfAbsent(family, k -> new ArrayList<>()).add(sample);
    }
    Map<String, Family> families = new LinkedHashMap<>();
    samples.forEach((name, list) -> families.put(name,
        new Family(name, types.getOrDefault(name, "untyped"), helps.get(name), List.copyOf(list))));
    return new PrometheusText(families);
  }

  private static String familyOf(Sample sample, Map<String, String> types) {
    String name = sample.name();
    for (String suffix : List.of("_sum", "_count", "_bucket")) {
      if (name.endsWith(suffix)) {
        String base = name.substring(0, name.length() - suffix.length());
        String type = types.get(base);
        if ("histogram".equals(type) || ("summary".equals(type) && !suffix.equals("_bucket"))) {
          return base;
        }
      }
    }
    return name;
  }

  private static void checkSuffix(Sample sample, String family, String type, int number) {
    boolean bare = sample.name().equals(family);
    switch (type) {
      case "summary" -> {
        if (bare && !sample.labels().containsKey("quantile")) {
          throw error(number, "a summary's sample without a quantile label");
        }
      }
      case "histogram" -> {
        if (bare || (sample.name().endsWith("_bucket") && !sample.labels().containsKey("le"))) {
          throw error(number, "a histogram sample must be _bucket{le=...}, _sum or _count");
        }
      }
      default -> {
        if (!bare) {
          throw error(number, "sample " + sample.name() + " outside its family " + family);
        }
      }
    }
  }

  private static Sample sample(String line, int number) {
    int pos = 0;
    while (pos < line.length() && isNameChar(line.charAt(pos), pos == 0, true)) {
      pos++;
    }
    String name = line.substring(0, pos);
    requireName(name, number);
    Map<String, String> labels = new LinkedHashMap<>();
    if (pos < line.length() && line.charAt(pos) == '{') {
      pos++;
      while (line.charAt(pos) != '}') {
        int start = pos;
        while (pos < line.length() && isNameChar(line.charAt(pos), pos == start, false)) {
          pos++;
        }
        String label = line.substring(start, pos);
        if (label.isEmpty() || !line.startsWith("=\"", pos)) {
          throw error(number, "bad label at column " + (pos + 1));
        }
        pos += 2;
        StringBuilder value = new StringBuilder();
        while (true) {
          if (pos >= line.length()) {
            throw error(number, "unterminated label value");
          }
          char c = line.charAt(pos++);
          if (c == '"') {
            break;
          }
          if (c == '\\') {
            char e = pos < line.length() ? line.charAt(pos++) : ' ';
            value.append(switch (e) {
              case '\\' -> '\\';
              case '"' -> '"';
              case 'n' -> '\n';
              default -> throw error(number, "bad escape \\" + e);
            });
          } else {
            value.append(c);
          }
        }
        if (labels.put(label, value.toString()) != null) {
          throw error(number, "label " + label + " twice");
        }
        if (pos < line.length() && line.charAt(pos) == ',') {
          pos++;
        } else if (pos >= line.length() || line.charAt(pos) != '}') {
          throw error(number, "expected ',' or '}' at column " + (pos + 1));
        }
      }
      pos++;
    }
    String[] rest = line.substring(pos).trim().split("[ \t]+");
    if (pos >= line.length() || (line.charAt(pos) != ' ' && line.charAt(pos) != '\t') || rest.length < 1
        || rest.length > 2 || rest[0].isEmpty()) {
      throw error(number, "expected ' value [timestamp]'");
    }
    double value = number(rest[0], number);
    if (rest.length == 2) {
      try {
        Long.parseLong(rest[1]);
      } catch (NumberFormatException e) {
        throw error(number, "bad timestamp '" + rest[1] + "'");
      }
    }
    return new Sample(name, Collections.unmodifiableMap(labels), value);
  }

  private static double number(String text, int line) {
    switch (text) {
      case "NaN":
        return Double.NaN;
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        if (!text.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
          throw error(line, "bad value '" + text + "'");
        }
        return Double.parseDouble(text);
    }
  }

  private static boolean isNameChar(char c, boolean first, boolean colon) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || (colon && c == ':') || (!first && c >= '0' && c <= '9');
  }

  private static void requireName(String name, int line) {
    if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
      throw error(line, "bad metric name '" + name + "'");
    }
  }

  private static String unescape(String text, boolean quotes, int line) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char e = ++i < text.length() ? text.charAt(i) : ' ';
      if (e == '\\') {
        out.append('\\');
      } else if (e == 'n') {
        out.append('\n');
      } else if (quotes && e == '"') {
        out.append('"');
      } else {
        throw error(line, "bad escape \\" + e);
      }
    }
    return out.toString();
  }

  private static IllegalArgumentException error(int line, String what) {
    return new IllegalArgumentException("Prometheus text, line " + line + ": " + what);
  }
}
