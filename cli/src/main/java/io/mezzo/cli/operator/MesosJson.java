package io.mezzo.cli.operator;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;

/**
 * Mesos JSON read leniently, for views: unknown fields (a newer master's) are skipped and a
 * missing required field does not fail the view (it reads as its default).
 */
public final class MesosJson {
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  private MesosJson() {}

  /** @throws OperatorClient.OperatorException when the text is not JSON of that message */
  @SuppressWarnings("unchecked")
  public static <T extends Message> T parse(String json, Message.Builder builder) {
    try {
      PARSER.merge(json, builder);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new OperatorClient.OperatorException("The master's answer did not parse as "
          + builder.getDescriptorForType().getFullName() + ": " + e.getMessage());
    }
    return (T) builder.buildPartial();
  }
}
