package io.mezzo.agent.resources;

import io.mezzo.v1.Protos.Attribute;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.Value;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Mesos text syntax of {@code --resources} ({@code cpus:2;mem:1024;ports:[31000-31099];disks:{a,b}})
 * and {@code --attributes} ({@code rack:r1;zone:a;level:3}).
 *
 * <p>A resource may name a role in parentheses: {@code cpus(*):2} is unreserved, as without a role;
 * {@code cpus(eng):2} is statically reserved for role {@code eng} (hierarchical roles such as
 * {@code eng/web} too) and comes out in the post-refinement format, {@code reservations:
 * [{type: STATIC, role: "eng"}]}. The same name may appear once per role. Values are scalars (non-negative numbers), ranges ({@code [a-b,c-d]}) or
 * sets ({@code {a,b}}). Attribute values are scalars, ranges or text.
 */
public final class ResourceSpec {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_./-]*");
  private static final Pattern RESOURCE_KEY = Pattern.compile("(?<name>[^()]*)(?:\\((?<role>[^()]*)\\))?");
  private static final Pattern RANGE = Pattern.compile("(\\d+)\\s*-\\s*(\\d+)");
  private static final Pattern TEXT = Pattern.compile("[A-Za-z0-9_./@+-]+");
  private static final Pattern ROLE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*");
  private static final Pattern NUMBER = Pattern.compile("[+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

  private ResourceSpec() {}

  /** Parses {@code --resources}; an empty or blank text is an empty list. */
  public static List<Resource> parseResources(String text) {
    List<Resource> resources = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (String entry : entries(text)) {
      Resource resource = parseResource(entry);
      String role = resource.getReservationsCount() == 0 ? "*" : resource.getReservations(0).getRole();
      if (!names.add(resource.getName() + "(" + role + ")")) {
        throw new ResourceSyntaxException("Bad --resources: resource '" + resource.getName() + "'"
            + (role.equals("*") ? "" : " for role '" + role + "'") + " is given more than once");
      }
      resources.add(resource);
    }
    return List.copyOf(resources);
  }

  /** Parses {@code --attributes}; an empty or blank text is an empty list. */
  public static List<Attribute> parseAttributes(String text) {
    List<Attribute> attributes = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (String entry : entries(text)) {
      Attribute attribute = parseAttribute(entry);
      if (!names.add(attribute.getName())) {
        throw new ResourceSyntaxException(
            "Bad --attributes: attribute '" + attribute.getName() + "' is given more than once");
      }
      attributes.add(attribute);
    }
    return List.copyOf(attributes);
  }

  private static List<String> entries(String text) {
    List<String> entries = new ArrayList<>();
    if (text == null) {
      return entries;
    }
    for (String entry : text.split(";")) {
      if (!entry.isBlank()) {
        entries.add(entry.trim());
      }
    }
    return entries;
  }

  private static Resource parseResource(String entry) {
    int colon = entry.indexOf(':');
    if (colon < 0) {
      throw new ResourceSyntaxException(
          "Bad --resources entry '" + entry + "': expected name:value, e.g. cpus:2");
    }
    String key = entry.substring(0, colon).trim();
    String valueText = entry.substring(colon + 1).trim();
    Matcher keyMatch = RESOURCE_KEY.matcher(key);
    if (!keyMatch.matches()) {
      throw new ResourceSyntaxException(
          "Bad --resources entry '" + entry + "': expected name or name(role) before ':'");
    }
    String name = checkName(keyMatch.group("name").trim(), "resource", entry);
    String role = keyMatch.group("role") == null ? "*" : keyMatch.group("role").trim();
    if (!role.equals("*") && (!ROLE.matcher(role).matches() || role.equals(".") || role.equals("..")
        || role.contains("/./") || role.contains("/../") || role.endsWith("/.") || role.endsWith("/.."))) {
      throw new ResourceSyntaxException(
          "Bad --resources entry '" + entry + "': role '" + role
              + "' is not a valid role (letters, digits, '_', '.', '-', with '/' between levels)");
    }
    Value value = parseValue(valueText, "--resources", entry);
    Resource.Builder resource = Resource.newBuilder().setName(name).setType(value.getType());
    if (!role.equals("*")) {
      resource.addReservations(Resource.ReservationInfo.newBuilder()
          .setType(Resource.ReservationInfo.Type.STATIC).setRole(role));
    }
    switch (value.getType()) {
      case SCALAR -> resource.setScalar(value.getScalar());
      case RANGES -> resource.setRanges(value.getRanges());
      case SET -> resource.setSet(value.getSet());
      default -> throw new ResourceSyntaxException(
          "Bad --resources entry '" + entry + "': '" + valueText
              + "' is not a number, a range list [a-b,...] or a set {a,b,...}");
    }
    return resource.build();
  }

  private static Attribute parseAttribute(String entry) {
    int colon = entry.indexOf(':');
    if (colon < 0) {
      throw new ResourceSyntaxException(
          "Bad --attributes entry '" + entry + "': expected name:value, e.g. rack:r1");
    }
    String name = checkName(entry.substring(0, colon).trim(), "attribute", entry);
    String valueText = entry.substring(colon + 1).trim();
    Value value = parseValue(valueText, "--attributes", entry);
    Attribute.Builder attribute = Attribute.newBuilder().setName(name).setType(value.getType());
    switch (value.getType()) {
      case SCALAR -> attribute.setScalar(value.getScalar());
      case RANGES -> attribute.setRanges(value.getRanges());
      case TEXT -> attribute.setText(value.getText());
      default -> throw new ResourceSyntaxException(
          "Bad --attributes entry '" + entry + "': sets are not supported as attribute values");
    }
    return attribute.build();
  }

  private static String checkName(String name, String what, String entry) {
    if (name.isEmpty()) {
      throw new ResourceSyntaxException("Bad entry '" + entry + "': the " + what + " name is empty");
    }
    if (!NAME.matcher(name).matches()) {
      throw new ResourceSyntaxException(
          "Bad entry '" + entry + "': " + what + " name '" + name
              + "' may only contain letters, digits, '_', '.', '/' and '-'");
    }
    return name;
  }

  private static Value parseValue(String text, String flag, String entry) {
    if (text.isEmpty()) {
      throw new ResourceSyntaxException("Bad " + flag + " entry '" + entry + "': the value is empty");
    }
    if (text.startsWith("[")) {
      return Value.newBuilder().setType(Value.Type.RANGES).setRanges(parseRanges(text, flag, entry)).build();
    }
    if (text.startsWith("{")) {
      return Value.newBuilder().setType(Value.Type.SET).setSet(parseSet(text, flag, entry)).build();
    }
    if (NUMBER.matcher(text).matches()) {
      double number = Double.parseDouble(text);
      if (Double.isInfinite(number)) {
        throw new ResourceSyntaxException("Bad " + flag + " entry '" + entry + "': '" + text + "' is too large");
      }
      return Value.newBuilder()
          .setType(Value.Type.SCALAR)
          .setScalar(Value.Scalar.newBuilder().setValue(number))
          .build();
    }
    if (text.startsWith("-") && NUMBER.matcher(text.substring(1)).matches()) {
      throw new ResourceSyntaxException(
          "Bad " + flag + " entry '" + entry + "': '" + text + "' is negative");
    }
    if (!TEXT.matcher(text).matches()) {
      throw new ResourceSyntaxException(
          "Bad " + flag + " entry '" + entry + "': '" + text
              + "' is not a number, a range list [a-b,...], a set {a,b,...} or plain text"
              + " (letters, digits, '_', '.', '/', '@', '+', '-')");
    }
    return Value.newBuilder().setType(Value.Type.TEXT).setText(Value.Text.newBuilder().setValue(text)).build();
  }

  private static Value.Ranges parseRanges(String text, String flag, String entry) {
    if (!text.endsWith("]")) {
      throw new ResourceSyntaxException(
          "Bad " + flag + " entry '" + entry + "': range list '" + text + "' does not end with ']'");
    }
    String inner = text.substring(1, text.length() - 1).trim();
    if (inner.isEmpty()) {
      throw new ResourceSyntaxException("Bad " + flag + " entry '" + entry + "': the range list is empty");
    }
    List<Value.Range> ranges = new ArrayList<>();
    for (String part : inner.split(",", -1)) {
      Matcher m = RANGE.matcher(part.trim());
      if (!m.matches()) {
        throw new ResourceSyntaxException(
            "Bad " + flag + " entry '" + entry + "': '" + part.trim() + "' is not a range begin-end");
      }
      long begin = parseBound(m.group(1), flag, entry);
      long end = parseBound(m.group(2), flag, entry);
      if (begin > end) {
        throw new ResourceSyntaxException(
            "Bad " + flag + " entry '" + entry + "': range " + begin + "-" + end + " ends before it begins");
      }
      ranges.add(Value.Range.newBuilder().setBegin(begin).setEnd(end).build());
    }
    ranges.sort(Comparator.comparingLong(Value.Range::getBegin));
    for (int i = 1; i < ranges.size(); i++) {
      Value.Range previous = ranges.get(i - 1);
      Value.Range current = ranges.get(i);
      if (current.getBegin() <= previous.getEnd()) {
        throw new ResourceSyntaxException(
            "Bad " + flag + " entry '" + entry + "': ranges " + previous.getBegin() + "-" + previous.getEnd()
                + " and " + current.getBegin() + "-" + current.getEnd() + " overlap");
      }
    }
    return Value.Ranges.newBuilder().addAllRange(ranges).build();
  }

  private static long parseBound(String digits, String flag, String entry) {
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw new ResourceSyntaxException("Bad " + flag + " entry '" + entry + "': '" + digits + "' is too large");
    }
  }

  private static Value.Set parseSet(String text, String flag, String entry) {
    if (!text.endsWith("}")) {
      throw new ResourceSyntaxException(
          "Bad " + flag + " entry '" + entry + "': set '" + text + "' does not end with '}'");
    }
    String inner = text.substring(1, text.length() - 1).trim();
    if (inner.isEmpty()) {
      throw new ResourceSyntaxException("Bad " + flag + " entry '" + entry + "': the set is empty");
    }
    Set<String> items = new LinkedHashSet<>();
    for (String item : inner.split(",", -1)) {
      String trimmed = item.trim();
      if (trimmed.isEmpty()) {
        throw new ResourceSyntaxException("Bad " + flag + " entry '" + entry + "': the set has an empty item");
      }
      if (!items.add(trimmed)) {
        throw new ResourceSyntaxException(
            "Bad " + flag + " entry '" + entry + "': set item '" + trimmed + "' appears twice");
      }
    }
    return Value.Set.newBuilder().addAllItem(items).build();
  }
}
