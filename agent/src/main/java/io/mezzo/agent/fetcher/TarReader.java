package io.mezzo.agent.fetcher;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads a tar stream (POSIX ustar, with GNU long names and pax path/linkpath records) and
 * hands its entries to a {@link ArchiveExtractor.Sink}. Devices and FIFOs are skipped.
 */
final class TarReader {
  private static final int BLOCK = 512;

  private TarReader() {}

  static void read(InputStream in, ArchiveExtractor.Sink sink) throws IOException {
    byte[] header = new byte[BLOCK];
    String longName = null;
    String longLink = null;
    while (true) {
      if (!readBlock(in, header)) {
        return;
      }
      if (allZero(header)) {
        return;
      }
      if (!checksumOk(header)) {
        throw new IOException("not a tar archive (bad header checksum)");
      }
      String name = string(header, 0, 100);
      String prefix = isUstar(header) ? string(header, 345, 155) : "";
      if (!prefix.isEmpty()) {
        name = prefix + "/" + name;
      }
      int mode = (int) octal(header, 100, 8);
      long size = octal(header, 124, 12);
      char type = (char) header[156];
      String linkName = string(header, 157, 100);
      if (longName != null) {
        name = longName;
        longName = null;
      }
      if (longLink != null) {
        linkName = longLink;
        longLink = null;
      }
      long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
      switch (type) {
        case 'L' -> {
          longName = trimNul(new String(readFully(in, size), StandardCharsets.UTF_8));
          skip(in, padded - size);
        }
        case 'K' -> {
          longLink = trimNul(new String(readFully(in, size), StandardCharsets.UTF_8));
          skip(in, padded - size);
        }
        case 'x' -> {
          String pax = new String(readFully(in, size), StandardCharsets.UTF_8);
          skip(in, padded - size);
          longName = paxValue(pax, "path");
          longLink = paxValue(pax, "linkpath");
        }
        case '0', '\0', '7' -> {
          InputStream content = new Bounded(in, size);
          sink.file(name, content, mode);
          skip(content, Long.MAX_VALUE);
          skip(in, padded - size);
        }
        case '5' -> {
          sink.directory(name);
          skip(in, padded);
        }
        case '2' -> {
          sink.symlink(name, linkName);
          skip(in, padded);
        }
        case '1' -> {
          sink.hardlink(name, linkName);
          skip(in, padded);
        }
        default -> skip(in, padded); // 'g' global pax headers, devices, FIFOs
      }
    }
  }

  private static String paxValue(String records, String key) {
    // Records are "<length> <key>=<value>\n".
    for (String record : records.split("\n")) {
      int space = record.indexOf(' ');
      int equals = record.indexOf('=');
      if (space > 0 && equals > space && record.substring(space + 1, equals).equals(key)) {
        return record.substring(equals + 1);
      }
    }
    return null;
  }

  private static boolean readBlock(InputStream in, byte[] block) throws IOException {
    int read = in.readNBytes(block, 0, BLOCK);
    if (read == 0) {
      return false;
    }
    if (read < BLOCK) {
      throw new EOFException("truncated tar archive");
    }
    return true;
  }

  private static byte[] readFully(InputStream in, long size) throws IOException {
    if (size > 1 << 20) {
      throw new IOException("tar extended header too large: " + size + " bytes");
    }
    byte[] bytes = in.readNBytes((int) size);
    if (bytes.length < size) {
      throw new EOFException("truncated tar archive");
    }
    return bytes;
  }

  private static void skip(InputStream in, long bytes) throws IOException {
    long left = bytes;
    while (left > 0) {
      long skipped = in.skip(left);
      if (skipped <= 0) {
        if (in.read() < 0) {
          if (bytes == Long.MAX_VALUE) {
            return;
          }
          throw new EOFException("truncated tar archive");
        }
        skipped = 1;
      }
      left -= skipped;
    }
  }

  private static boolean allZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean isUstar(byte[] header) {
    return string(header, 257, 5).equals("ustar");
  }

  private static boolean checksumOk(byte[] header) {
    long expected;
    try {
      expected = octal(header, 148, 8);
    } catch (IOException e) {
      return false;
    }
    long sum = 0;
    for (int i = 0; i < BLOCK; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xff);
    }
    return sum == expected;
  }

  private static String string(byte[] header, int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.UTF_8);
  }

  private static String trimNul(String s) {
    int nul = s.indexOf('\0');
    return nul < 0 ? s : s.substring(0, nul);
  }

  private static long octal(byte[] header, int offset, int length) throws IOException {
    long value = 0;
    for (int i = offset; i < offset + length; i++) {
      byte b = header[i];
      if (b == 0 || b == ' ') {
        if (value != 0) {
          break;
        }
        continue;
      }
      if (b < '0' || b > '7') {
        throw new IOException("not a tar archive (bad number in a header)");
      }
      value = value * 8 + (b - '0');
    }
    return value;
  }

  /** At most {@code size} bytes of the underlying stream; close does not close it. */
  private static final class Bounded extends FilterInputStream {
    private long left;

    Bounded(InputStream in, long size) {
      super(in);
      this.left = size;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = super.read();
      if (b >= 0) {
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = super.read(buffer, offset, (int) Math.min(length, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(Math.min(n, left));
      left -= Math.max(0, skipped);
      return skipped;
    }

    @Override
    public void close() {
      // the tar stream goes on
    }
  }
}
