package io.mezzo.protocol;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MapEntry;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * JSON as Mesos writes and reads it (stout's protobuf.hpp): proto field names, enums by
 * name, bytes in base64, 64-bit integers as JSON numbers, unset optional fields with an
 * explicit proto2 default printed with that default (deprecated ones only when set).
 * Parsing accepts proto names, ignores unknown keys, and fails on missing required fields.
 */
public final class JsonCodec {
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  private JsonCodec() {}

  public static String print(MessageOrBuilder message) {
    StringBuilder out = new StringBuilder(256);
    printMessage(message, out);
    return out.toString();
  }

  /**
   * Parses a complete message of the prototype's type.
   *
   * @throws ProtocolException naming what was wrong: bad JSON, a wrong type, a missing required field
   */
  @SuppressWarnings("unchecked")
  public static <T extends Message> T parse(String json, T prototype) {
    Message.Builder builder = prototype.newBuilderForType();
    try {
      PARSER.merge(json, builder);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new ProtocolException(
          "Failed to parse " + prototype.getDescriptorForType().getFullName() + " from JSON: " + e.getMessage(), e);
    }
    if (!builder.isInitialized()) {
      throw new ProtocolException(
          "Failed to parse " + prototype.getDescriptorForType().getFullName()
              + " from JSON: missing required fields: " + String.join(", ", builder.findInitializationErrors()));
    }
    return (T) builder.build();
  }

  private static void printMessage(MessageOrBuilder message, StringBuilder out) {
    out.append('{');
    boolean first = true;
    for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
      boolean present = field.isRepeated() ? message.getRepeatedFieldCount(field) > 0 : message.hasField(field);
      if (!present && !printsDefault(field)) {
        continue;
      }
      if (!first) {
        out.append(',');
      }
      first = false;
      string(field.getName(), out);
      out.append(':');
      if (field.isMapField()) {
        printMap(message, field, out);
      } else if (field.isRepeated()) {
        out.append('[');
        int n = message.getRepeatedFieldCount(field);
        for (int i = 0; i < n; i++) {
          if (i > 0) {
            out.append(',');
          }
          printValue(field, message.getRepeatedField(field, i), out);
        }
        out.append(']');
      } else {
        printValue(field, message.getField(field), out);
      }
    }
    out.append('}');
  }

  private static boolean printsDefault(FieldDescriptor field) {
    return !field.isRepeated()
        && field.hasDefaultValue()
        && field.getJavaType() != FieldDescriptor.JavaType.MESSAGE
        && !field.getOptions().getDeprecated();
  }

  private static void printMap(MessageOrBuilder message, FieldDescriptor field, StringBuilder out) {
    out.append('{');
    List<?> entries = (List<?>) message.getField(field);
    boolean first = true;
    FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
    for (Object o : entries) {
      Object key;
      Object value;
      if (o instanceof MapEntry<?, ?> entry) {
        key = entry.getKey();
        value = entry.getValue();
      } else {
        Message m = (Message) o;
        key = m.getField(field.getMessageType().findFieldByName("key"));
        value = m.getField(valueField);
      }
      if (!first) {
        out.append(',');
      }
      first = false;
      string(String.valueOf(key), out);
      out.append(':');
      printValue(valueField, value, out);
    }
    out.append('}');
  }

  private static void printValue(FieldDescriptor field, Object value, StringBuilder out) {
    switch (field.getJavaType()) {
      case MESSAGE -> printMessage((MessageOrBuilder) value, out);
      case ENUM -> string(((EnumValueDescriptor) value).getName(), out);
      case STRING -> string((String) value, out);
      case BYTE_STRING -> string(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()), out);
      case BOOLEAN -> out.append(((Boolean) value).booleanValue());
      case INT -> printInt(field, (Integer) value, out);
      case LONG -> printLong(field, (Long) value, out);
      case FLOAT -> printDouble(((Float) value).doubleValue(), out);
      case DOUBLE -> printDouble((Double) value, out);
      default -> throw new ProtocolException("Cannot print field " + field.getFullName());
    }
  }

  private static void printInt(FieldDescriptor field, int value, StringBuilder out) {
    boolean unsigned = field.getType() == FieldDescriptor.Type.UINT32 || field.getType() == FieldDescriptor.Type.FIXED32;
    out.append(unsigned ? Integer.toUnsignedString(value) : Integer.toString(value));
  }

  private static void printLong(FieldDescriptor field, long value, StringBuilder out) {
    boolean unsigned = field.getType() == FieldDescriptor.Type.UINT64 || field.getType() == FieldDescriptor.Type.FIXED64;
    out.append(unsigned ? Long.toUnsignedString(value) : Long.toString(value));
  }

  private static void printDouble(double value, StringBuilder out) {
    if (Double.isNaN(value)) {
      out.append("\"NaN\"");
    } else if (Double.isInfinite(value)) {
      out.append(value > 0 ? "Infinity" : "-Infinity");
    } else if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      out.append((long) value).append(".0");
    } else {
      out.append(value);
    }
  }

  private static void string(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

}
