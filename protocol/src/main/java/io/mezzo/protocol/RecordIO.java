package io.mezzo.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * RecordIO framing as Mesos streams use it: each record is its length in decimal ASCII,
 * a {@code '\n'}, then exactly that many bytes, with nothing between records. Chunk
 * boundaries of the transport have nothing to do with record boundaries, so the decoder
 * keeps state across {@link Decoder#feed} calls.
 */
public final class RecordIO {
  /** Records larger than this are refused rather than buffered (a malformed or hostile stream). */
  public static final long DEFAULT_MAX_RECORD_BYTES = 64L * 1024 * 1024;

  private static final int MAX_LENGTH_DIGITS = 19;

  private RecordIO() {}

  /** Frames one record. */
  public static byte[] encode(byte[] record) {
    if (record.length == 0) {
      throw new ProtocolException("RecordIO records must not be empty");
    }
    byte[] header = (record.length + "\n").getBytes(StandardCharsets.US_ASCII);
    byte[] framed = new byte[header.length + record.length];
    System.arraycopy(header, 0, framed, 0, header.length);
    System.arraycopy(record, 0, framed, header.length, record.length);
    return framed;
  }

  /** A streaming decoder; not thread-safe, feed it from one thread. */
  public static final class Decoder {
    private final long maxRecordBytes;
    private final StringBuilder lengthDigits = new StringBuilder();
    private ByteArrayOutputStream record;
    private long remaining = -1;

    public Decoder() {
      this(DEFAULT_MAX_RECORD_BYTES);
    }

    public Decoder(long maxRecordBytes) {
      if (maxRecordBytes <= 0) {
        throw new IllegalArgumentException("maxRecordBytes must be positive: " + maxRecordBytes);
      }
      this.maxRecordBytes = maxRecordBytes;
    }

    /** Feeds bytes and returns every record they complete, in order. */
    public List<byte[]> feed(byte[] chunk) {
      return feed(chunk, 0, chunk.length);
    }

    public List<byte[]> feed(byte[] chunk, int offset, int length) {
      List<byte[]> records = new ArrayList<>();
      int i = offset;
      int end = offset + length;
      while (i < end) {
        if (remaining < 0) {
          byte b = chunk[i++];
          if (b == '\n') {
            startRecord();
          } else if (b >= '0' && b <= '9' && lengthDigits.length() < MAX_LENGTH_DIGITS) {
            lengthDigits.append((char) b);
          } else {
            throw new ProtocolException(
                "RecordIO: expected a decimal length followed by a newline, got byte " + (b & 0xff));
          }
        } else {
          int n = (int) Math.min(remaining, end - i);
          record.write(chunk, i, n);
          i += n;
          remaining -= n;
          if (remaining == 0) {
            records.add(record.toByteArray());
            record = null;
            remaining = -1;
          }
        }
      }
      return records;
    }

    /** True when no partial record is buffered (the stream may end here cleanly). */
    public boolean isAtRecordBoundary() {
      return remaining < 0 && lengthDigits.length() == 0;
    }

    private void startRecord() {
      if (lengthDigits.length() == 0) {
        throw new ProtocolException("RecordIO: empty record length");
      }
      long len = Long.parseLong(lengthDigits.toString());
      lengthDigits.setLength(0);
      if (len == 0) {
        throw new ProtocolException("RecordIO: zero-length record");
      }
      if (len > maxRecordBytes) {
        throw new ProtocolException(
            "RecordIO: record of " + len + " bytes exceeds the limit of " + maxRecordBytes);
      }
      remaining = len;
      record = new ByteArrayOutputStream((int) Math.min(len, 1 << 16));
    }
  }
}
