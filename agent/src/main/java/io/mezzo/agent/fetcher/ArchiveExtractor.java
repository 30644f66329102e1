package io.mezzo.agent.fetcher;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Enumeration;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Extracts .tar, .tar.gz/.tgz and .zip archives into a directory, refusing any entry that
 * would land outside it: {@code ..} paths, absolute paths, and links whose target leaves it.
 * Every archive is checked completely before the first byte is written, so a refused archive
 * leaves nothing behind.
 */
final class ArchiveExtractor {
  enum Format { TAR, TAR_GZ, ZIP }

  private ArchiveExtractor() {}

  /** The format to extract a file of this name as, or null when it is not an archive we extract. */
  static Format formatOf(String fileName) {
    String name = fileName.toLowerCase(java.util.Locale.ROOT);
    if (name.endsWith(".tar")) {
      return Format.TAR;
    }
    if (name.endsWith(".tar.gz") || name.endsWith(".tgz")) {
      return Format.TAR_GZ;
    }
    if (name.endsWith(".zip")) {
      return Format.ZIP;
    }
    return null;
  }

  /** Whether the name looks like an archive format that this extractor cannot read. */
  static boolean unsupportedArchive(String fileName) {
    String name = fileName.toLowerCase(java.util.Locale.ROOT);
    return name.endsWith(".tar.bz2") || name.endsWith(".tbz2") || name.endsWith(".tar.xz") || name.endsWith(".txz")
        || name.endsWith(".gz") || name.endsWith(".bz2") || name.endsWith(".xz");
  }

  /**
   * Extracts {@code archive} into {@code into}.
   *
   * @throws UnsafeEntryException naming the first entry that would land outside {@code into}
   * @throws IOException when the archive cannot be read or written
   */
  static void extract(Path archive, Format format, Path into) throws IOException {
    Path root = into.toAbsolutePath().normalize();
    // Pass one checks every entry; pass two writes.
    walk(archive, format, new Sink(root, false));
    walk(archive, format, new Sink(root, true));
  }

  private static void walk(Path archive, Format format, Sink sink) throws IOException {
    switch (format) {
      case ZIP -> walkZip(archive, sink);
      case TAR -> {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(archive))) {
          TarReader.read(in, sink);
        }
      }
      case TAR_GZ -> {
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(archive)))) {
          TarReader.read(in, sink);
        }
      }
      default -> throw new IllegalStateException("unknown format " + format);
    }
  }

  private static void walkZip(Path archive, Sink sink) throws IOException {
    try (ZipFile zip = new ZipFile(archive.toFile())) {
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry entry = entries.nextElement();
        if (entry.isDirectory()) {
          sink.directory(entry.getName());
        } else {
          try (InputStream in = zip.getInputStream(entry)) {
            sink.file(entry.getName(), in, -1);
          }
        }
      }
    }
  }

  /** An archive entry that would be written outside the extraction directory. */
  static final class UnsafeEntryException extends IOException {
    final String entry;

    UnsafeEntryException(String entry, String why) {
      super("entry '" + entry + "' " + why);
      this.entry = entry;
    }
  }

  /** Receives archive entries; checks each one and, when writing, creates it. */
  static final class Sink {
    private final Path root;
    private final boolean write;

    Sink(Path root, boolean write) {
      this.root = root;
      this.write = write;
    }

    void directory(String name) throws IOException {
      Path target = inside(name);
      if (write) {
        checkRealParent(name, target);
        Files.createDirectories(target);
      }
    }

    void file(String name, InputStream content, int mode) throws IOException {
      Path target = notRoot(name, inside(name));
      if (!write) {
        return;
      }
      Files.createDirectories(target.getParent());
      checkRealParent(name, target);
      // Never write through a link that is already there.
      Files.deleteIfExists(target);
      try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        content.transferTo(out);
      }
      if (mode >= 0 && (mode & 0111) != 0) {
        target.toFile().setExecutable(true, (mode & 0011) == 0);
      }
    }

    void symlink(String name, String linkTarget) throws IOException {
      Path link = notRoot(name, inside(name));
      Path resolved = link.getParent().resolve(linkTarget).normalize();
      if (Path.of(linkTarget).isAbsolute() || !resolved.startsWith(root)) {
        throw new UnsafeEntryException(name, "is a link to '" + linkTarget + "', outside the sandbox");
      }
      if (write) {
        Files.createDirectories(link.getParent());
        checkRealParent(name, link);
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, Path.of(linkTarget));
      }
    }

    void hardlink(String name, String linkTarget) throws IOException {
      Path link = notRoot(name, inside(name));
      Path source = inside(linkTarget);
      if (write) {
        Files.createDirectories(link.getParent());
        checkRealParent(name, link);
        Files.deleteIfExists(link);
        Files.copy(source, link, LinkOption.NOFOLLOW_LINKS);
      }
    }

    /** The entry's path in the root, or an {@link UnsafeEntryException} when it would land outside. */
    private Path inside(String name) throws UnsafeEntryException {
      if (name.isEmpty() || name.startsWith("/") || name.contains("\0")) {
        throw new UnsafeEntryException(name, "has an absolute or empty path");
      }
      Path target = root.resolve(name).normalize();
      if (!target.startsWith(root)) {
        throw new UnsafeEntryException(name, "would land outside the sandbox");
      }
      return target;
    }

    private Path notRoot(String name, Path target) throws UnsafeEntryException {
      if (target.equals(root)) {
        throw new UnsafeEntryException(name, "would replace the sandbox itself");
      }
      return target;
    }

    /** Defence in depth against links made earlier in the same archive: the real parent must be inside. */
    private void checkRealParent(String name, Path target) throws IOException {
      Path realRoot = root.toRealPath();
      Path parent = target.getParent().toRealPath();
      if (!parent.startsWith(realRoot)) {
        throw new UnsafeEntryException(name, "would land outside the sandbox (through a link)");
      }
    }
  }
}
