package io.mezzo.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.mezzo.master.registry.Registry;
import io.mezzo.master.state.TextLimits;
import io.mezzo.protocol.Codec;
import io.mezzo.protocol.Wire;
import io.mezzo.protocol.internal.AgentChannel.AgentCall;
import io.mezzo.protocol.internal.AgentChannel.AgentEvent;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.AgentInfo;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.WeightInfo;
import io.mezzo.v1.master.Protos.Call;
import io.mezzo.v1.master.Protos.Response;
import io.mezzo.v1.scheduler.Protos.Event;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * The limits on what one call may bring, against a real master: the registry record's size, role
 * names and counts, free text, agent ids, and what reaches the log.
 */
class InputLimitsTest {
  private static MasterFixture master;

  @BeforeAll
  static void start() throws Exception {
    master = new MasterFixture();
  }

  @AfterAll
  static void stop() throws Exception {
    master.close();
  }

  private static HttpResponse<byte[]> operator(Call call) throws Exception {
    return OperatorApiTest.post(master.http, master.url(), Codec.PROTOBUF.mediaType(), null, Codec.PROTOBUF.encode(call));
  }

  private static String text(HttpResponse<byte[]> response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  private static Call weights(String prefix, int count, int nameBytes) {
    Call.UpdateWeights.Builder update = Call.UpdateWeights.newBuilder();
    for (int i = 0; i < count; i++) {
      String role = prefix + i + "-";
      update.addWeightInfos(WeightInfo.newBuilder().setRole(role + "r".repeat(nameBytes - role.length())).setWeight(2));
    }
    return Call.newBuilder().setType(Call.Type.UPDATE_WEIGHTS).setUpdateWeights(update).build();
  }

  private static List<WeightInfo> currentWeights() throws Exception {
    HttpResponse<byte[]> got = operator(Call.newBuilder().setType(Call.Type.GET_WEIGHTS).build());
    assertThat(got.statusCode()).isEqualTo(200);
    return Codec.PROTOBUF.decode(got.body(), Response.getDefaultInstance()).getGetWeights().getWeightInfosList();
  }

  @Test
  void updatesThatWouldOverfillTheRegistryAreRefusedAndTheMasterKeepsLeading() throws Exception {
    HttpResponse<byte[]> tooMany = operator(weights("many", TextLimits.ROLES_PER_CALL + 1, 20));
    assertThat(tooMany.statusCode()).isEqualTo(400);
    assertThat(text(tooMany)).contains("update_weights.weight_infos").contains("limit of 1000");

    // The original attack, spread over calls that each respect the count: 1,000 roles of 250 bytes
    // are ~260 kB of record, so the fourth call would take it past the limit.
    for (int call = 0; call < 3; call++) {
      HttpResponse<byte[]> fits = operator(weights("big" + call + "-", TextLimits.ROLES_PER_CALL, 250));
      assertThat(fits.statusCode()).as(text(fits)).isEqualTo(200);
    }
    List<WeightInfo> before = currentWeights();
    assertThat(before).hasSize(3 * TextLimits.ROLES_PER_CALL);

    HttpResponse<byte[]> refused = operator(weights("big3-", TextLimits.ROLES_PER_CALL, 250));

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(text(refused)).contains("Nothing changed").contains("limit of " + Registry.MAX_RECORD_BYTES + " bytes");
    assertThat(master.master.isLeader()).isTrue();
    assertThat(currentWeights()).isEqualTo(before);
    HttpResponse<byte[]> small = operator(OperatorApiTest.updateWeights("after", 3));
    assertThat(small.statusCode()).as("the master still takes a change that fits").isEqualTo(200);
    assertThat(currentWeights()).hasSize(before.size() + 1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "..", "-eng", "eng/../x", "eng//web", "/eng", "en g", "eng\\web", "eng\nweb", "*"})
  void badRoleNamesAreRefusedWith400(String role) throws Exception {
    HttpResponse<byte[]> weights = operator(OperatorApiTest.updateWeights(role, 2));
    assertThat(weights.statusCode()).as(text(weights)).isEqualTo(400);
    HttpResponse<byte[]> quota = operator(OperatorApiTest.updateQuota(true, OperatorApiTest.quota(role, 1, 2)));
    assertThat(quota.statusCode()).as(text(quota)).isEqualTo(400);
  }

  @Test
  void aRoleOf10KilobytesIsRefused() throws Exception {
    HttpResponse<byte[]> weights = operator(OperatorApiTest.updateWeights("r".repeat(10_000), 2));
    assertThat(weights.statusCode()).isEqualTo(400);
    assertThat(text(weights)).contains("longer than 512 bytes");

    io.mezzo.v1.scheduler.Protos.Call subscribe = MasterFixture.subscribe(FrameworkInfo.newBuilder().setUser("u").setName("n")
        .setRole("r".repeat(10_000)).build());
    HttpResponse<String> refused = master.post(Wire.SCHEDULER_PATH, Codec.PROTOBUF.mediaType(),
        Codec.PROTOBUF.encode(subscribe), null);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("'subscribe.framework_info.role'").contains("limit of 512 bytes");
  }

  @Test
  void aFrameworkNameOf15MegabytesIsRefusedAndNotInTheState() throws Exception {
    // 15 MB is over the scheduler API's body cap: refused before the body is read.
    HttpResponse<String> tooLarge = postSubscribeWithName(15 * 1024 * 1024);
    assertThat(tooLarge.statusCode()).isEqualTo(413);

    // 2 MB fits the body cap and is refused by the field's own limit, naming it.
    HttpResponse<String> refused = postSubscribeWithName(2 * 1024 * 1024);
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("'subscribe.framework_info.name' is 2097152 bytes long, over the limit of 1024");
    assertThat(master.state().encode().length()).isLessThan(100_000);
  }

  private HttpResponse<String> postSubscribeWithName(int nameBytes) throws Exception {
    io.mezzo.v1.scheduler.Protos.Call subscribe = MasterFixture.subscribe(FrameworkInfo.newBuilder().setUser("u")
        .setName("n".repeat(nameBytes)).build());
    return master.post(Wire.SCHEDULER_PATH, Codec.PROTOBUF.mediaType(), Codec.PROTOBUF.encode(subscribe), null);
  }

  @Test
  void aNameWithLineBreaksDoesNotForgeALogLine() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    root.addAppender(captured);
    try (EventStream<Event> scheduler = master.subscribeStream(MasterFixture.subscribe(FrameworkInfo.newBuilder()
        .setUser("u").setName("evil\r\n12:00:00.000 ERROR forged line").build()), Codec.PROTOBUF)) {
      assertThat(scheduler.next().getType()).isEqualTo(Event.Type.SUBSCRIBED);
    } finally {
      root.detachAppender(captured);
    }
    List<String> lines = captured.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(lines).anyMatch(line -> line.contains("evil\\r\\n12:00:00.000 ERROR forged line"));
    assertThat(lines).noneMatch(line -> line.contains("\n") || line.contains("\r"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"../x", "../../../etc/x", "a/b", ".", "..", "id\u0007bell", "id\nnext"})
  void anAgentWithABadIdIsRefusedOnTheAgentChannel(String agentId) throws Exception {
    AgentCall register = AgentCall.newBuilder().setType(AgentCall.Type.REGISTER)
        .setRegister(AgentCall.Register.newBuilder().setAgentInfo(AgentInfo.newBuilder().setHostname("127.0.0.1")
            .addResources(FakeAgent.scalar("cpus", 1)).setId(AgentID.newBuilder().setValue(agentId)))).build();
    try (EventStream<AgentEvent> events = new EventStream<>(master.http, master.url() + Wire.AGENT_CHANNEL_PATH,
        register, Codec.PROTOBUF, AgentEvent.getDefaultInstance())) {
      AgentEvent answer = events.next();
      assertThat(answer.getType()).isEqualTo(AgentEvent.Type.ERROR);
      assertThat(answer.getError().getMessage()).startsWith("Invalid agent registration: Agent ID");
    }
    assertThat(master.state().getJsonArray("slaves").stream().map(Object::toString))
        .noneMatch(agent -> agent.contains("\"id\":\"" + agentId + "\""));
  }
}
