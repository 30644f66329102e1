package io.mezzo.master.state;

import io.mezzo.protocol.Ids;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.AgentInfo;
import io.mezzo.v1.Protos.Attribute;
import io.mezzo.v1.Protos.ExecutorID;
import io.mezzo.v1.Protos.ExecutorInfo;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.Label;
import io.mezzo.v1.Protos.Labels;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.Value;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The rules on ids, roles and free text ({@link Ids}, {@link TextLimits}) and log escaping ({@link LogText}). */
class TextRulesTest {
  private static final long SEED = 20240615L;

  @ParameterizedTest
  @ValueSource(strings = {"*", "eng", "eng/web", "a-b", "a.b", "web_1", "ünïcode", "x/y/z"})
  void validRoles(String role) {
    assertThat(Ids.checkRole(role)).isEmpty();
  }

  static Stream<Arguments> invalidRoles() {
    return Stream.of(
        Arguments.of("", "must not be empty"),
        Arguments.of(".", "invalid component"),
        Arguments.of("..", "invalid component"),
        Arguments.of("-eng", "invalid component"),
        Arguments.of("eng/-web", "invalid component"),
        Arguments.of("eng/./web", "invalid component"),
        Arguments.of("eng/../web", "invalid component"),
        Arguments.of("eng/*", "invalid component"),
        Arguments.of("/eng", "must not start or end"),
        Arguments.of("eng/", "must not start or end"),
        Arguments.of("eng//web", "must not start or end"),
        Arguments.of("en g", "whitespace"),
        Arguments.of("eng\tweb", "whitespace"),
        Arguments.of("eng\nweb", "whitespace"),
        Arguments.of("eng\u0000", "whitespace"),
        Arguments.of("eng\u0008", "whitespace"),
        Arguments.of("eng\\web", "'\\'"),
        Arguments.of("r".repeat(TextLimits.ROLE_BYTES + 1), "longer than 512 bytes"),
        Arguments.of("é".repeat(TextLimits.ROLE_BYTES / 2 + 1), "longer than 512 bytes"));
  }

  @ParameterizedTest
  @MethodSource("invalidRoles")
  void invalidRolesAreRefusedWithTheReason(String role, String reason) {
    assertThat(Ids.checkRole(role)).hasValueSatisfying(m -> assertThat(m).contains(reason));
  }

  @Test
  void aRoleOfExactlyTheLimitIsValid() {
    assertThat(Ids.checkRole("r".repeat(TextLimits.ROLE_BYTES))).isEmpty();
  }

  static Stream<Arguments> invalidIds() {
    return Stream.of(
        Arguments.of("", "must not be empty"),
        Arguments.of(".", "disallowed"),
        Arguments.of("..", "disallowed"),
        Arguments.of("../../../etc/x", "invalid characters"),
        Arguments.of("../x", "invalid characters"),
        Arguments.of("a/b", "invalid characters"),
        Arguments.of("a\\b", "invalid characters"),
        Arguments.of("a\nb", "invalid characters"),
        Arguments.of("a\u001bb", "invalid characters"),
        Arguments.of("i".repeat(TextLimits.ID_BYTES + 1), "longer than 255 bytes"),
        Arguments.of("é".repeat(128), "longer than 255 bytes"));
  }

  @ParameterizedTest
  @MethodSource("invalidIds")
  void invalidIdsAreRefused(String id, String reason) {
    assertThat(Ids.checkId("Agent ID", id)).hasValueSatisfying(m -> assertThat(m).startsWith("Agent ID")
        .contains(reason));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "task-1", "a.b", "...", "uuid-0a1b", "é"})
  void validIds(String id) {
    assertThat(Ids.checkId("Task ID", id)).isEmpty();
  }

  @Test
  void anIdOfExactlyTheLimitIsValid() {
    assertThat(Ids.checkId("Task ID", "x".repeat(TextLimits.ID_BYTES))).isEmpty();
  }

  @Test
  void utf8LengthMatchesTheEncoderOnSeededRandomText() {
    Random random = new Random(SEED);
    for (int n = 0; n < 2000; n++) {
      String s = randomText(random, random.nextInt(40));
      assertThat(TextLimits.utf8Length(s)).as("seed %d, case %d: %s", SEED, n, s)
          .isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
    }
  }

  @Test
  void truncateKeepsWithinTheLimitOnSeededRandomText() {
    Random random = new Random(SEED);
    for (int n = 0; n < 2000; n++) {
      String s = randomText(random, random.nextInt(200));
      int max = 40 + random.nextInt(100);
      String cut = TextLimits.truncate(s, max);
      String why = "seed " + SEED + ", case " + n;
      assertThat(cut.getBytes(StandardCharsets.UTF_8).length).as(why).isLessThanOrEqualTo(max);
      if (s.getBytes(StandardCharsets.UTF_8).length <= max) {
        assertThat(cut).as(why).isSameAs(s);
      } else {
        assertThat(cut).as(why).endsWith("...[cut to " + max + " bytes]");
        assertThat(s).as(why).startsWith(cut.substring(0, cut.indexOf(" ...[cut to")));
      }
    }
  }

  /** Text over the whole BMP and beyond, with controls, surrogate pairs and (rarely) a lone surrogate. */
  private static String randomText(Random random, int length) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < length; i++) {
      switch (random.nextInt(5)) {
        case 0 -> out.append((char) random.nextInt(0x80));
        case 1 -> out.append((char) (0x80 + random.nextInt(0x780)));
        case 2 -> out.append((char) (0x800 + random.nextInt(0xd000)));
        case 3 -> out.appendCodePoint(0x10000 + random.nextInt(0x10000));
        default -> out.append(random.nextInt(50) == 0 ? '\ud800' : 'x');
      }
    }
    return out.toString();
  }

  static Stream<Arguments> oversizedFrameworkFields() {
    String name = "n".repeat(TextLimits.NAME_BYTES + 1);
    return Stream.of(
        framework("framework_info.name", b -> b.setName(name), TextLimits.NAME_BYTES),
        framework("framework_info.user", b -> b.setUser(name), TextLimits.NAME_BYTES),
        framework("framework_info.hostname", b -> b.setHostname(name), TextLimits.NAME_BYTES),
        framework("framework_info.principal", b -> b.setPrincipal(name), TextLimits.NAME_BYTES),
        framework("framework_info.webui_url", b -> b.setWebuiUrl("u".repeat(TextLimits.URL_BYTES + 1)),
            TextLimits.URL_BYTES),
        framework("framework_info.id", b -> b.setId(FrameworkID.newBuilder().setValue("i".repeat(256))),
            TextLimits.ID_BYTES),
        framework("framework_info.role", b -> b.setRole("r".repeat(TextLimits.ROLE_BYTES + 1)), TextLimits.ROLE_BYTES),
        framework("framework_info.roles[1]", b -> b.addRoles("a").addRoles("r".repeat(TextLimits.ROLE_BYTES + 1)),
            TextLimits.ROLE_BYTES),
        framework("framework_info.roles", b -> {
          for (int i = 0; i <= TextLimits.ROLES_PER_CALL; i++) {
            b.addRoles("r" + i);
          }
          return b;
        }, TextLimits.ROLES_PER_CALL),
        framework("framework_info.labels[0].key", b -> b.setLabels(labels(name, "v")), TextLimits.NAME_BYTES),
        framework("framework_info.labels[0].value", b -> b.setLabels(labels("k", "v".repeat(TextLimits.VALUE_BYTES + 1))),
            TextLimits.VALUE_BYTES));
  }

  private static Arguments framework(String field, UnaryOperator<FrameworkInfo.Builder> change, int limit) {
    return Arguments.of(field, change.apply(FrameworkInfo.newBuilder().setUser("u").setName("n")).build(), limit);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("oversizedFrameworkFields")
  void eachFrameworkFieldHasItsLimitNamedInTheReason(String field, FrameworkInfo info, int limit) {
    assertThat(TextLimits.frameworkInfo("framework_info", info)).hasValueSatisfying(m ->
        assertThat(m).startsWith("'" + field + "'").contains("limit of " + limit));
  }

  @Test
  void aFrameworkAtEveryLimitIsAccepted() {
    FrameworkInfo info = FrameworkInfo.newBuilder().setUser("u".repeat(TextLimits.NAME_BYTES))
        .setName("n".repeat(TextLimits.NAME_BYTES)).setWebuiUrl("w".repeat(TextLimits.URL_BYTES))
        .setLabels(labels("k".repeat(TextLimits.NAME_BYTES), "v".repeat(TextLimits.VALUE_BYTES))).build();
    assertThat(TextLimits.frameworkInfo("framework_info", info)).isEmpty();
  }

  @Test
  void taskExecutorAndAgentTextIsBounded() {
    TaskInfo.Builder task = TaskInfo.newBuilder().setName("t").setTaskId(TaskID.newBuilder().setValue("t1"))
        .setAgentId(AgentID.newBuilder().setValue("a1"));
    assertThat(TextLimits.taskInfo("task", task.build())).isEmpty();
    assertThat(TextLimits.taskInfo("task", task.clone().setName("n".repeat(TextLimits.NAME_BYTES + 1)).build()))
        .hasValueSatisfying(m -> assertThat(m).startsWith("'task.name'"));
    assertThat(TextLimits.taskInfo("task", task.clone().setExecutor(ExecutorInfo.newBuilder()
        .setExecutorId(ExecutorID.newBuilder().setValue("e")).setName("n".repeat(TextLimits.NAME_BYTES + 1))).build()))
        .hasValueSatisfying(m -> assertThat(m).startsWith("'task.executor.name'"));
    Labels many = Labels.newBuilder().addAllLabels(Stream.generate(() -> Label.newBuilder().setKey("k").build())
        .limit(TextLimits.LABELS + 1).toList()).build();
    assertThat(TextLimits.taskInfo("task", task.clone().setLabels(many).build()))
        .hasValueSatisfying(m -> assertThat(m).startsWith("'task.labels' has 257 entries"));

    AgentInfo agent = AgentInfo.newBuilder().setHostname("h").build();
    assertThat(TextLimits.agentInfo("agent_info", agent)).isEmpty();
    assertThat(TextLimits.agentInfo("agent_info", agent.toBuilder().setHostname("h".repeat(1025)).build()))
        .hasValueSatisfying(m -> assertThat(m).startsWith("'agent_info.hostname'"));
    Attribute text = Attribute.newBuilder().setName("rack").setType(Value.Type.TEXT)
        .setText(Value.Text.newBuilder().setValue("t".repeat(TextLimits.VALUE_BYTES + 1))).build();
    assertThat(TextLimits.agentInfo("agent_info", agent.toBuilder().addAttributes(text).build()))
        .hasValueSatisfying(m -> assertThat(m).startsWith("'agent_info.attributes[0].text'"));
  }

  private static Labels labels(String key, String value) {
    return Labels.newBuilder().addLabels(Label.newBuilder().setKey(key).setValue(value)).build();
  }

  static Stream<Arguments> logged() {
    return Stream.of(
        Arguments.of("plain name", "plain name"),
        Arguments.of("evil\nINFO forged line", "evil\\nINFO forged line"),
        Arguments.of("cr\rlf\n", "cr\\rlf\\n"),
        Arguments.of("tab\tesc\u001b[31m", "tab\\tesc\\u001b[31m"),
        Arguments.of("nul\u0000del\u007f", "nul\\u0000del\\u007f"),
        Arguments.of("sep\u2028par\u2029", "sep\\u2028par\\u2029"),
        Arguments.of("ünïcode ok", "ünïcode ok"));
  }

  @ParameterizedTest
  @MethodSource("logged")
  void logTextEscapesControlCharacters(String in, String out) {
    assertThat(LogText.of(in)).isEqualTo(out);
  }

  @Test
  void logTextCutsLongValuesAndNeverLeavesAControlCharacter() {
    assertThat(LogText.of("x".repeat(LogText.MAX_CHARS + 10)))
        .isEqualTo("x".repeat(LogText.MAX_CHARS) + "...(10 more chars)");
    assertThat(LogText.of((String) null)).isEqualTo("null");
    assertThat(LogText.of(java.util.List.of("a\nb", "c"))).isEqualTo("[a\\nb, c]");
    Random random = new Random(SEED);
    for (int n = 0; n < 2000; n++) {
      String safe = LogText.of(randomText(random, random.nextInt(400)));
      assertThat(safe.chars().noneMatch(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029))
          .as("seed %d, case %d", SEED, n).isTrue();
      assertThat(safe.length()).isLessThanOrEqualTo(LogText.MAX_CHARS * 6 + 32);
    }
  }

  @Test
  void checkCountsAndBytesAtTheBoundary() {
    assertThat(TextLimits.check("f", "a".repeat(10), 10)).isEmpty();
    assertThat(TextLimits.check("f", "a".repeat(11), 10)).hasValue("'f' is 11 bytes long, over the limit of 10 bytes");
    assertThat(TextLimits.check("f", "é".repeat(5), 10)).isEmpty();
    assertThat(TextLimits.check("f", "é".repeat(6), 10)).hasValue("'f' is 12 bytes long, over the limit of 10 bytes");
    assertThat(TextLimits.checkCount("f", 3, 3)).isEqualTo(Optional.empty());
    assertThat(TextLimits.checkCount("f", 4, 3)).hasValue("'f' has 4 entries, over the limit of 3");
  }
}
