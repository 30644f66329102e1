package io.mezzo.protocol;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.nio.charset.StandardCharsets;

/**
 * One wire encoding of protobuf messages, named by its media type: binary protobuf or
 * Mesos-style JSON. HTTP clients and servers are generic over a codec.
 */
public enum Codec {
  PROTOBUF("application/x-protobuf") {
    @Override
    public byte[] encode(Message message) {
      return message.toByteArray();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends Message> T decode(byte[] bytes, T prototype) {
      try {
        return (T) prototype.getParserForType().parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        throw new ProtocolException(
            "Failed to parse " + prototype.getDescriptorForType().getFullName() + ": " + e.getMessage(), e);
      }
    }
  },
  JSON("application/json") {
    @Override
    public byte[] encode(Message message) {
      return JsonCodec.print(message).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public <T extends Message> T decode(byte[] bytes, T prototype) {
      return JsonCodec.parse(new String(bytes, StandardCharsets.UTF_8), prototype);
    }
  };

  private final String mediaType;

  Codec(String mediaType) {
    this.mediaType = mediaType;
  }

  public String mediaType() {
    return mediaType;
  }

  public abstract byte[] encode(Message message);

  /**
   * Decodes a complete message of the prototype's type.
   *
   * @throws ProtocolException when the bytes do not parse or a required field is missing
   */
  public abstract <T extends Message> T decode(byte[] bytes, T prototype);

  /**
   * The response encoding an {@code Accept} header allows, as Mesos's HTTP handlers pick it: no
   * header means anything (JSON is chosen); JSON is tried first, then protobuf; {@code *}{@code /*}
   * and {@code application/*} count; a {@code q=0} entry excludes its type. Empty when neither is
   * allowed (406).
   */
  public static java.util.Optional<Codec> accepted(String accept) {
    if (accept == null || accept.isBlank()) {
      return java.util.Optional.of(JSON);
    }
    for (Codec codec : new Codec[] {JSON, PROTOBUF}) {
      for (String part : accept.split(",")) {
        String[] params = part.trim().split(";");
        String type = params[0].trim().toLowerCase(java.util.Locale.ROOT);
        boolean excluded = false;
        for (int i = 1; i < params.length; i++) {
          if (params[i].trim().replace(" ", "").matches("q=0(\\.0{0,3})?")) {
            excluded = true;
          }
        }
        if (!excluded && (type.equals(codec.mediaType) || type.equals("*/*") || type.equals("application/*"))) {
          return java.util.Optional.of(codec);
        }
      }
    }
    return java.util.Optional.empty();
  }

  /** The codec whose media type equals {@code contentType} exactly, or null. */
  public static Codec forMediaType(String contentType) {
    for (Codec codec : values()) {
      if (codec.mediaType.equals(contentType)) {
        return codec;
      }
    }
    return null;
  }
}
