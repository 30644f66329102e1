package io.mezzo.cli.operator;

import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Resources in Mesos's flag syntax: {@code cpus:2;mem:1024;ports:[31000-31010,32000-32001]}. */
final class ResourceSpec {
  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]*");
  private static final Pattern RANGE = Pattern.compile("(\\d+)-(\\d+)");

  private ResourceSpec() {}

  /**
   * Scalar quantities by name.
   *
   * @throws IllegalArgumentException naming the part that is wrong
   */
  static Map<String, Double> scalars(String spec) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Resource r : parse(spec)) {
      if (r.getType() != Value.Type.SCALAR) {
        throw new IllegalArgumentException("Only scalar resources are allowed here, got '" + r.getName() + "'");
      }
      out.put(r.getName(), r.getScalar().getValue());
    }
    return out;
  }

  /**
   * Scalar and range resources, in the order given.
   *
   * @throws IllegalArgumentException naming the part that is wrong
   */
  static List<Resource> parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("Empty resources; expected e.g. 'cpus:2;mem:1024'");
    }
    List<Resource> out = new ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (String part : spec.split(";")) {
      String item = part.trim();
      int colon = item.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("Expected name:value in '" + item + "'");
      }
      String name = item.substring(0, colon).trim();
      String value = item.substring(colon + 1).trim();
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("Invalid resource name '" + name + "'");
      }
      if (!seen.add(name)) {
        throw new IllegalArgumentException("Resource '" + name + "' is named twice");
      }
      if (value.startsWith("[")) {
        if (!value.endsWith("]")) {
          throw new IllegalArgumentException("Unclosed range list in '" + item + "'");
        }
        Value.Ranges.Builder ranges = Value.Ranges.newBuilder();
        for (String range : value.substring(1, value.length() - 1).split(",")) {
          Matcher m = RANGE.matcher(range.trim());
          if (!m.matches() || Long.parseLong(m.group(1)) > Long.parseLong(m.group(2))) {
            throw new IllegalArgumentException("Invalid range '" + range.trim() + "' in '" + item + "'");
          }
          ranges.addRange(Value.Range.newBuilder().setBegin(Long.parseLong(m.group(1))).setEnd(Long.parseLong(m.group(2))));
        }
        out.add(Resource.newBuilder().setName(name).setType(Value.Type.RANGES).setRanges(ranges).build());
      } else {
        double v;
        try {
          v = Double.parseDouble(value);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("Invalid quantity '" + value + "' for " + name);
        }
        if (!(v >= 0) || Double.isInfinite(v)) {
          throw new IllegalArgumentException("Quantity of " + name + " must be a non-negative number, got " + value);
        }
        out.add(Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
            .setScalar(Value.Scalar.newBuilder().setValue(v)).build());
      }
    }
    return out;
  }

  /** Quantities back in flag syntax, e.g. {@code cpus:2;mem:1024}. */
  static String format(Map<String, Value.Scalar> quantities) {
    StringBuilder sb = new StringBuilder();
    new java.util.TreeMap<>(quantities).forEach((name, scalar) -> sb.append(sb.length() == 0 ? "" : ";").append(name)
        .append(':').append(number(scalar.getValue())));
    return sb.length() == 0 ? "-" : sb.toString();
  }

  static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
  }
}
