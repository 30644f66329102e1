package io.mezzo.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.MasterInfo;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.Protos.TimeInfo;
import io.mezzo.v1.scheduler.Protos.Call;
import io.mezzo.v1.scheduler.Protos.Event;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CodecTest {

  private static final Call SUBSCRIBE = Call.newBuilder()
      .setType(Call.Type.SUBSCRIBE)
      .setSubscribe(Call.Subscribe.newBuilder()
          .setFrameworkInfo(FrameworkInfo.newBuilder().setUser("alice").setName("batch").addRoles("eng/web")))
      .build();

  @ParameterizedTest
  @EnumSource(Codec.class)
  void roundTripsEveryCodec(Codec codec) {
    Call decoded = codec.decode(codec.encode(SUBSCRIBE), Call.getDefaultInstance());
    // JSON prints explicit defaults (as Mesos does), so they come back as set fields: compare values.
    assertThat(JsonCodec.print(decoded)).isEqualTo(JsonCodec.print(SUBSCRIBE));
    assertThat(decoded.getSubscribe().getFrameworkInfo().getRolesList()).containsExactly("eng/web");
  }

  @Test
  void findsCodecsByExactMediaType() {
    assertThat(Codec.forMediaType("application/json")).isEqualTo(Codec.JSON);
    assertThat(Codec.forMediaType("application/x-protobuf")).isEqualTo(Codec.PROTOBUF);
    assertThat(Codec.forMediaType("application/json; charset=utf-8")).isNull();
    assertThat(Codec.forMediaType("text/plain")).isNull();
  }

  @Test
  void printsProtoFieldNamesEnumNamesAndExplicitDefaults() {
    String json = JsonCodec.print(SUBSCRIBE);
    assertThat(json).isEqualTo("{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"user\":\"alice\","
        + "\"name\":\"batch\",\"failover_timeout\":0.0,\"checkpoint\":false,\"roles\":[\"eng/web\"]}}}");
  }

  @Test
  void printsInt64AsNumbersAndBytesAsBase64() {
    assertThat(JsonCodec.print(TimeInfo.newBuilder().setNanoseconds(5_000_000_000L).build()))
        .isEqualTo("{\"nanoseconds\":5000000000}");
    TaskStatus status = TaskStatus.newBuilder()
        .setTaskId(TaskID.newBuilder().setValue("t"))
        .setState(TaskState.TASK_RUNNING)
        .setUuid(ByteString.copyFrom(new byte[] {(byte) 0xae, (byte) 0xfd, (byte) 0xa5}))
        .build();
    assertThat(JsonCodec.print(status)).contains("\"uuid\":\"rv2l\"").contains("\"state\":\"TASK_RUNNING\"");
  }

  @Test
  void printsUint32AsUnsigned() {
    MasterInfo info = MasterInfo.newBuilder().setId("m").setIp(0xffffffff).setPort(5050).build();
    assertThat(JsonCodec.print(info)).contains("\"ip\":4294967295");
    assertThat(JsonCodec.parse(JsonCodec.print(info), MasterInfo.getDefaultInstance())).isEqualTo(info);
  }

  @Test
  void escapesStrings() {
    FrameworkID id = FrameworkID.newBuilder().setValue("a\"b\\c\nd\u0001").build();
    String json = JsonCodec.print(id);
    assertThat(json).isEqualTo("{\"value\":\"a\\\"b\\\\c\\nd\\u0001\"}");
    assertThat(JsonCodec.parse(json, FrameworkID.getDefaultInstance())).isEqualTo(id);
  }

  @Test
  void parsesInt64FromStringsAndNumbersAndIgnoresUnknownKeys() {
    assertThat(JsonCodec.parse("{\"nanoseconds\":\"7\",\"extra\":1}", TimeInfo.getDefaultInstance()).getNanoseconds())
        .isEqualTo(7);
    assertThat(JsonCodec.parse("{\"nanoseconds\":8}", TimeInfo.getDefaultInstance()).getNanoseconds()).isEqualTo(8);
  }

  @Test
  void parsesAHeartbeatEvent() {
    assertThat(JsonCodec.parse("{\"type\":\"HEARTBEAT\"}", Event.getDefaultInstance()).getType())
        .isEqualTo(Event.Type.HEARTBEAT);
  }

  @Test
  void refusesMalformedJsonAndMissingRequiredFields() {
    assertThatThrownBy(() -> JsonCodec.parse("{not json", Call.getDefaultInstance()))
        .isInstanceOf(ProtocolException.class).hasMessageContaining("Failed to parse mesos.v1.scheduler.Call");
    assertThatThrownBy(() -> JsonCodec.parse("{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"name\":\"x\"}}}",
        Call.getDefaultInstance()))
        .isInstanceOf(ProtocolException.class).hasMessageContaining("missing required fields")
        .hasMessageContaining("user");
    assertThatThrownBy(() -> Codec.PROTOBUF.decode("garbage".getBytes(StandardCharsets.UTF_8), Call.getDefaultInstance()))
        .isInstanceOf(ProtocolException.class);
  }

  @Test
  void picksTheResponseEncodingFromAcceptAsMesosDoes() {
    assertThat(Codec.accepted(null)).contains(Codec.JSON);
    assertThat(Codec.accepted("")).contains(Codec.JSON);
    assertThat(Codec.accepted("application/x-protobuf")).contains(Codec.PROTOBUF);
    assertThat(Codec.accepted("application/x-protobuf, application/json")).contains(Codec.JSON);
    assertThat(Codec.accepted("application/json;q=0, application/x-protobuf")).contains(Codec.PROTOBUF);
    assertThat(Codec.accepted("*/*")).contains(Codec.JSON);
    assertThat(Codec.accepted("application/*")).contains(Codec.JSON);
    assertThat(Codec.accepted("text/html")).isEmpty();
    assertThat(Codec.accepted("application/json; q=0.0")).isEmpty();
  }
}
