package io.mezzo.master.offers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.mezzo.master.offers.OfferBook.OfferRecord;
import io.mezzo.master.spi.Resources;
import io.mezzo.protocol.JsonCodec;
import io.mezzo.v1.Protos.AgentID;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.OfferID;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.Value;
import io.mezzo.v1.master.Protos.Event;
import io.mezzo.v1.master.Protos.Event.OfferEvent.RescindReason;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An operator client built on the official Mesos 1.11 protos, which have no offer events, reads
 * Mezzo's offer events as events it ignores and never fails to decode them. Its {@code Event} is
 * made here from Mezzo's own descriptor with everything Mesos lacks taken out: the
 * {@code offer_event} field and its message. (An offer event leaves the Event's {@code type}
 * unset, so no enum value unknown to Mesos reaches such a client: protobuf-java 3.5's JsonFormat,
 * which Mesos 1.11 names, fails on an unknown enum name even with ignoringUnknownFields.)
 */
class OfferEventWireTest {
  private static Descriptor mesosEvent;

  @BeforeAll
  static void mesosEventDescriptor() throws DescriptorValidationException {
    FileDescriptor mezzo = io.mezzo.v1.master.Protos.getDescriptor();
    FileDescriptorProto.Builder file = mezzo.toProto().toBuilder();
    for (DescriptorProto.Builder message : file.getMessageTypeBuilderList()) {
      if (message.getName().equals("Event")) {
        message.getFieldList().stream().filter(f -> f.getNumber() >= 100).toList()
            .forEach(f -> message.removeField(message.getFieldList().indexOf(f)));
        message.getNestedTypeList().stream().filter(n -> n.getName().equals("OfferEvent")).toList()
            .forEach(n -> message.removeNestedType(message.getNestedTypeList().indexOf(n)));
      }
    }
    FileDescriptor mesos = FileDescriptor.buildFrom(file.build(), mezzo.getDependencies().toArray(FileDescriptor[]::new));
    mesosEvent = mesos.findMessageTypeByName("Event");
    assertThat(mesosEvent.findFieldByNumber(100)).as("the copy lacks offer_event").isNull();
    assertThat(mesosEvent.findFieldByNumber(9).getName()).isEqualTo("framework_removed");
  }

  private static Event rescinded() {
    Offer offer = Offer.newBuilder().setId(OfferID.newBuilder().setValue("m-O7"))
        .setFrameworkId(FrameworkID.newBuilder().setValue("f")).setAgentId(AgentID.newBuilder().setValue("a"))
        .setHostname("h").addResources(Resource.newBuilder().setName("cpus").setType(Value.Type.SCALAR)
            .setScalar(Value.Scalar.newBuilder().setValue(1)))
        .build();
    Instant at = Instant.parse("2026-03-01T12:00:00Z");
    OfferRecord record = new OfferRecord("m-O7", "f", "a", "*", Resources.EMPTY, offer, at);
    return OfferEvents.rescinded(record, at.plusSeconds(3), RescindReason.AGENT_DISCONNECTED, "Agent a disconnected");
  }

  @Test
  void inProtobufTheTypeReadsAsUnknownAndThePayloadIsKeptAside() throws InvalidProtocolBufferException {
    byte[] bytes = rescinded().toByteArray();

    DynamicMessage decoded = DynamicMessage.parseFrom(mesosEvent, bytes);

    FieldDescriptor type = mesosEvent.findFieldByName("type");
    assertThat(decoded.hasField(type)).as("an offer event does not set the Event's type").isFalse();
    assertThat(((com.google.protobuf.Descriptors.EnumValueDescriptor) decoded.getField(type)).getName())
        .isEqualTo("UNKNOWN");
    assertThat(decoded.getAllFields()).isEmpty();
    assertThat(decoded.getUnknownFields().hasField(1)).isFalse();
    assertThat(decoded.getUnknownFields().hasField(100)).isTrue();
    assertThat(decoded.toByteArray()).as("passed on unchanged").isEqualTo(bytes);
  }

  @Test
  void inJsonAMesosStyleParserIgnoresItAndAStrictOneMustBeToldTo() throws Exception {
    String json = JsonCodec.print(rescinded());
    assertThat(json).contains("\"offer_event\":{\"type\":\"OFFER_RESCINDED\"");
    assertThat(new io.vertx.core.json.JsonObject(json).containsKey("type")).as("no Event type").isFalse();

    DynamicMessage.Builder lenient = DynamicMessage.newBuilder(mesosEvent);
    JsonFormat.parser().ignoringUnknownFields().merge(json, lenient);
    assertThat(lenient.hasField(mesosEvent.findFieldByName("type"))).isFalse();
    assertThat(lenient.getAllFields()).isEmpty();

    assertThatThrownBy(() -> JsonFormat.parser().merge(json, DynamicMessage.newBuilder(mesosEvent)))
        .as("protobuf-java's JsonFormat without ignoringUnknownFields()")
        .isInstanceOf(InvalidProtocolBufferException.class);
  }
}
