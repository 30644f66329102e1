package io.mezzo.conformance;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.nio.charset.StandardCharsets;

/** The two encodings of the v1 scheduler API, built on protobuf-java 3's own classes only. */
enum Encoding {
  PROTOBUF("application/x-protobuf"),
  JSON("application/json");

  final String mediaType;

  Encoding(String mediaType) {
    this.mediaType = mediaType;
  }

  byte[] encode(Message message) {
    if (this == PROTOBUF) {
      return message.toByteArray();
    }
    try {
      return JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace().print(message)
          .getBytes(StandardCharsets.UTF_8);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @SuppressWarnings("unchecked")
  <M extends Message> M decode(byte[] bytes, M prototype) {
    try {
      if (this == PROTOBUF) {
        return (M) prototype.getParserForType().parseFrom(bytes);
      }
      Message.Builder builder = prototype.newBuilderForType();
      JsonFormat.parser().ignoringUnknownFields().merge(new String(bytes, StandardCharsets.UTF_8), builder);
      return (M) builder.build();
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("the master sent a record that does not parse as "
          + prototype.getDescriptorForType().getFullName() + ": " + new String(bytes, StandardCharsets.UTF_8), e);
    }
  }
}
