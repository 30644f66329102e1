package io.mezzo.master.state;

import io.mezzo.protocol.Ids;

import io.mezzo.v1.Protos.AgentInfo;
import io.mezzo.v1.Protos.Attribute;
import io.mezzo.v1.Protos.ExecutorInfo;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.Label;
import io.mezzo.v1.Protos.Labels;
import io.mezzo.v1.Protos.TaskInfo;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * How much free text the master keeps from a framework, an operator or an agent: every such
 * field is stored in the state, served by {@code /state} and often logged, so each has a cap in
 * UTF-8 bytes (listed in docs/operations.md, "Limits"). Each check answers with the reason it
 * failed, naming the field and its limit; pure, callable from any thread.
 */
public final class TextLimits {
  /** Task, executor, framework and agent ids, as Mesos's {@code validateID}. */
  public static final int ID_BYTES = Ids.MAX_ID_BYTES;
  /** A role name, and each role of a hierarchical one together. */
  public static final int ROLE_BYTES = Ids.MAX_ROLE_BYTES;
  /** Roles in one UPDATE_WEIGHTS or UPDATE_QUOTA call, or in one FrameworkInfo. */
  public static final int ROLES_PER_CALL = 1000;
  /** Names, users, hostnames, principals, label keys, attribute names. */
  public static final int NAME_BYTES = 1024;
  /** {@code webui_url}. */
  public static final int URL_BYTES = 4096;
  /** A label's value or an attribute's text; frameworks keep small JSON documents in labels. */
  public static final int VALUE_BYTES = 16 * 1024;
  /** Labels on one FrameworkInfo, TaskInfo or ExecutorInfo; attributes of one agent. */
  public static final int LABELS = 256;
  /** A status update's message: longer ones are cut, not refused, so that no update is lost. */
  public static final int MESSAGE_BYTES = 4096;

  private TextLimits() {}

  /** {@code value}'s length in UTF-8 bytes, counted without encoding it. */
  public static int utf8Length(String value) {
    int bytes = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        bytes += 1; // an unpaired surrogate is encoded as '?'
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /** Fails when {@code value} is over {@code maxBytes} UTF-8 bytes. */
  public static Optional<String> check(String field, String value, int maxBytes) {
    // A char is at most 3 UTF-8 bytes (a surrogate pair 4 for 2 chars): skip counting short values.
    if (value.length() * 3 <= maxBytes) {
      return Optional.empty();
    }
    int bytes = utf8Length(value);
    return bytes <= maxBytes ? Optional.empty()
        : Optional.of("'" + field + "' is " + bytes + " bytes long, over the limit of " + maxBytes + " bytes");
  }

  /** Fails when there are more than {@code max} of something. */
  public static Optional<String> checkCount(String field, int count, int max) {
    return count <= max ? Optional.empty()
        : Optional.of("'" + field + "' has " + count + " entries, over the limit of " + max);
  }

  /** The text of a FrameworkInfo from SUBSCRIBE or UPDATE_FRAMEWORK. */
  public static Optional<String> frameworkInfo(String field, FrameworkInfo info) {
    return first(
        check(field + ".name", info.getName(), NAME_BYTES),
        check(field + ".user", info.getUser(), NAME_BYTES),
        check(field + ".hostname", info.getHostname(), NAME_BYTES),
        check(field + ".principal", info.getPrincipal(), NAME_BYTES),
        check(field + ".webui_url", info.getWebuiUrl(), URL_BYTES),
        check(field + ".id", info.getId().getValue(), ID_BYTES),
        check(field + ".role", info.getRole(), ROLE_BYTES),
        checkCount(field + ".roles", info.getRolesCount(), ROLES_PER_CALL),
        roles(field + ".roles", info.getRolesList()),
        labels(field + ".labels", info.getLabels()));
  }

  /** The text of a task to launch, and of its executor. */
  public static Optional<String> taskInfo(String field, TaskInfo task) {
    return first(
        check(field + ".name", task.getName(), NAME_BYTES),
        check(field + ".task_id", task.getTaskId().getValue(), ID_BYTES),
        check(field + ".agent_id", task.getAgentId().getValue(), ID_BYTES),
        labels(field + ".labels", task.getLabels()),
        task.hasExecutor() ? executorInfo(field + ".executor", task.getExecutor()) : Optional.empty());
  }

  public static Optional<String> executorInfo(String field, ExecutorInfo executor) {
    return first(
        check(field + ".name", executor.getName(), NAME_BYTES),
        check(field + ".source", executor.getSource(), NAME_BYTES),
        check(field + ".executor_id", executor.getExecutorId().getValue(), ID_BYTES),
        labels(field + ".labels", executor.getLabels()));
  }

  /** The text of an agent's AgentInfo at registration. */
  public static Optional<String> agentInfo(String field, AgentInfo info) {
    Optional<String> bad = first(
        check(field + ".hostname", info.getHostname(), NAME_BYTES),
        check(field + ".id", info.getId().getValue(), ID_BYTES),
        checkCount(field + ".attributes", info.getAttributesCount(), LABELS));
    for (int i = 0; bad.isEmpty() && i < info.getAttributesCount(); i++) {
      Attribute a = info.getAttributes(i);
      String name = field + ".attributes[" + i + "]";
      bad = first(check(name + ".name", a.getName(), NAME_BYTES),
          check(name + ".text", a.getText().getValue(), VALUE_BYTES),
          checkCount(name + ".set", a.getSet().getItemCount(), LABELS));
      for (int j = 0; bad.isEmpty() && j < a.getSet().getItemCount(); j++) {
        bad = check(name + ".set[" + j + "]", a.getSet().getItem(j), NAME_BYTES);
      }
    }
    return bad;
  }

  public static Optional<String> labels(String field, Labels labels) {
    Optional<String> bad = checkCount(field, labels.getLabelsCount(), LABELS);
    for (int i = 0; bad.isEmpty() && i < labels.getLabelsCount(); i++) {
      Label label = labels.getLabels(i);
      bad = first(check(field + "[" + i + "].key", label.getKey(), NAME_BYTES),
          check(field + "[" + i + "].value", label.getValue(), VALUE_BYTES));
    }
    return bad;
  }

  private static Optional<String> roles(String field, List<String> roles) {
    for (int i = 0; i < roles.size(); i++) {
      Optional<String> bad = check(field + "[" + i + "]", roles.get(i), ROLE_BYTES);
      if (bad.isPresent()) {
        return bad;
      }
    }
    return Optional.empty();
  }

  /**
   * {@code value} cut to at most {@code maxBytes} UTF-8 bytes (never inside a character), with a
   * note of how much was cut; {@code value} itself when it fits.
   */
  public static String truncate(String value, int maxBytes) {
    if (utf8Length(value) <= maxBytes) {
      return value;
    }
    String note = " ...[cut to " + maxBytes + " bytes]";
    int budget = Math.max(0, maxBytes - note.length());
    int bytes = 0;
    int end = 0;
    while (end < value.length()) {
      int cp = value.codePointAt(end);
      int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (bytes + size > budget) {
        break;
      }
      bytes += size;
      end += Character.charCount(cp);
    }
    return value.substring(0, end) + note;
  }

  @SafeVarargs
  private static Optional<String> first(Optional<String>... checks) {
    for (Optional<String> check : checks) {
      if (check.isPresent()) {
        return check;
      }
    }
    return Optional.empty();
  }
}
