package io.mezzo.agent.fetcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds tar and zip archives byte by byte, including the malicious ones a real tool would not write. */
public final class Archives {
  private Archives() {}

  /** A ustar archive under construction. */
  public static final class Tar {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    public Tar file(String name, String content, int mode) {
      byte[] data = content.getBytes(StandardCharsets.UTF_8);
      header(name, mode, data.length, '0', "");
      bytes.writeBytes(data);
      bytes.writeBytes(new byte[(512 - data.length % 512) % 512]);
      return this;
    }

    public Tar directory(String name) {
      header(name, 0755, 0, '5', "");
      return this;
    }

    public Tar symlink(String name, String target) {
      header(name, 0777, 0, '2', target);
      return this;
    }

    public byte[] bytes() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(bytes.toByteArray());
      out.writeBytes(new byte[1024]);
      return out.toByteArray();
    }

    public Path write(Path file) throws IOException {
      return Files.write(file, bytes());
    }

    public Path writeGzip(Path file) throws IOException {
      try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
        out.write(bytes());
      }
      return file;
    }

    private void header(String name, int mode, long size, char type, String link) {
      byte[] h = new byte[512];
      put(h, 0, 100, name);
      put(h, 100, 8, String.format("%07o", mode));
      put(h, 108, 8, "0000000");
      put(h, 116, 8, "0000000");
      put(h, 124, 12, String.format("%011o", size));
      put(h, 136, 12, "00000000000");
      h[156] = (byte) type;
      put(h, 157, 100, link);
      put(h, 257, 6, "ustar");
      put(h, 263, 2, "00");
      for (int i = 148; i < 156; i++) {
        h[i] = ' ';
      }
      long sum = 0;
      for (byte b : h) {
        sum += b & 0xff;
      }
      put(h, 148, 7, String.format("%06o", sum));
      bytes.writeBytes(h);
    }

    private static void put(byte[] header, int offset, int length, String value) {
      byte[] v = value.getBytes(StandardCharsets.UTF_8);
      if (v.length > length) {
        throw new IllegalArgumentException("too long for a tar header field: " + value);
      }
      System.arraycopy(v, 0, header, offset, v.length);
    }
  }

  /** A zip with the given (name, content) pairs, names written as given. */
  public static Path zip(Path file, String... namesAndContents) throws IOException {
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
      for (int i = 0; i < namesAndContents.length; i += 2) {
        zip.putNextEntry(new ZipEntry(namesAndContents[i]));
        zip.write(namesAndContents[i + 1].getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
    return file;
  }
}
