package io.mezzo.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RecordIOTest {

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] stream(String... records) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String r : records) {
      out.writeBytes(RecordIO.encode(utf8(r)));
    }
    return out.toByteArray();
  }

  @Test
  void encodesLengthNewlineAndPayloadWithNoSeparator() {
    assertThat(new String(stream("{\"type\":\"HEARTBEAT\"}", "ab"), StandardCharsets.UTF_8))
        .isEqualTo("20\n{\"type\":\"HEARTBEAT\"}2\nab");
  }

  @Test
  void lengthCountsBytesNotCharacters() {
    assertThat(new String(RecordIO.encode(utf8("é")), StandardCharsets.UTF_8)).isEqualTo("2\né");
  }

  @Test
  void decodesWhenSplitAtEveryPossibleChunkBoundary() {
    byte[] bytes = stream("first", "{\"type\":\"SUBSCRIBED\"}", "x", "0123456789");
    for (int a = 0; a <= bytes.length; a++) {
      for (int b = a; b <= bytes.length; b++) {
        RecordIO.Decoder decoder = new RecordIO.Decoder();
        List<byte[]> out = new ArrayList<>();
        out.addAll(decoder.feed(bytes, 0, a));
        out.addAll(decoder.feed(bytes, a, b - a));
        out.addAll(decoder.feed(bytes, b, bytes.length - b));
        assertThat(out).as("split at %d and %d", a, b).extracting(r -> new String(r, StandardCharsets.UTF_8))
            .containsExactly("first", "{\"type\":\"SUBSCRIBED\"}", "x", "0123456789");
        assertThat(decoder.isAtRecordBoundary()).isTrue();
      }
    }
  }

  @Test
  void decodesByteByByteAndInRandomChunks() {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    List<String> records = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      records.add("r" + i + "-".repeat(random.nextInt(300)));
    }
    byte[] bytes = stream(records.toArray(String[]::new));
    RecordIO.Decoder decoder = new RecordIO.Decoder();
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < bytes.length) {
      int n = Math.min(bytes.length - i, random.nextInt(40));
      decoder.feed(bytes, i, n).forEach(r -> out.add(new String(r, StandardCharsets.UTF_8)));
      i += n;
    }
    assertThat(out).as("seed %d", seed).isEqualTo(records);
  }

  @Test
  void keepsAPartialRecordUntilItCompletes() {
    RecordIO.Decoder decoder = new RecordIO.Decoder();
    assertThat(decoder.feed(utf8("5\nabc"))).isEmpty();
    assertThat(decoder.isAtRecordBoundary()).isFalse();
    assertThat(decoder.feed(utf8("de"))).extracting(String::new).containsExactly("abcde");
  }

  @Test
  void refusesGarbageZeroLengthAndOversizedRecords() {
    assertThatThrownBy(() -> new RecordIO.Decoder().feed(utf8("x\n"))).isInstanceOf(ProtocolException.class)
        .hasMessageContaining("decimal length");
    assertThatThrownBy(() -> new RecordIO.Decoder().feed(utf8("0\n"))).hasMessageContaining("zero-length");
    assertThatThrownBy(() -> new RecordIO.Decoder().feed(utf8("\n"))).hasMessageContaining("empty record length");
    assertThatThrownBy(() -> new RecordIO.Decoder(10).feed(utf8("11\n"))).hasMessageContaining("exceeds the limit");
    assertThatThrownBy(() -> new RecordIO.Decoder().feed(utf8("99999999999999999999\n")))
        .isInstanceOf(ProtocolException.class);
    assertThatThrownBy(() -> RecordIO.encode(new byte[0])).isInstanceOf(ProtocolException.class);
  }
}
