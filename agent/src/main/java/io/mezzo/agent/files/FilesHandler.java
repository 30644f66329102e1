package io.mezzo.agent.files;

import io.mezzo.agent.support.CallerPrincipal;
import io.mezzo.v1.Protos.FileInfo;
import io.mezzo.v1.Protos.TimeInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Mesos files API over the sandboxes: {@code /files/browse}, {@code /files/read} and
 * {@code /files/download}, each taking a virtual {@code path} (see {@link FilesRoot}), with the
 * same answers as Mesos's files.cpp. Each call reads a sandbox only once {@link SandboxAccess}
 * lets its caller ({@link SandboxGate}).
 *
 * <p>Browse lists every entry, but read and download serve regular files only: a FIFO, socket or
 * device in a sandbox is refused (400) from its attributes, read without following links and
 * without opening it, because opening a FIFO blocks until someone writes to it. Every call runs
 * on the {@link FilesExecutor} (its own few threads, bounded queue, per-call timeout), so what
 * does block can hold only those threads and never the worker pool that launches tasks.
 *
 * <p>Residual race: a task that replaces a checked regular file by a FIFO between the check and
 * the open blocks one files thread until the FIFO gets a writer; the call still answers 504 at its
 * timeout, the open cannot follow a link swapped in ({@code NOFOLLOW_LINKS}), a file that changed
 * under the open is refused, and once every files thread is held the API answers 503 while tasks
 * keep launching.
 */
public final class FilesHandler {
  /** Mesos caps one read at 16 pages. */
  static final int MAX_READ = 16 * 4096;
  /** How long one files API call may take before it is answered 504. */
  public static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
  static final int THREADS = 4;
  static final int QUEUED = 32;
  static final int DOWNLOAD_CHUNK = 64 * 1024;
  private static final Logger log = LoggerFactory.getLogger(FilesHandler.class);

  private final FilesRoot root;
  private final FilesExecutor executor;

  public FilesHandler(Vertx vertx, FilesRoot root) {
    this(vertx, root, CALL_TIMEOUT);
  }

  private java.util.function.Predicate<String> allowedOrigins = origin -> false;
  private SandboxGate gate;

  /** @param timeout how long one call may take before it is answered 504 */
  public FilesHandler(Vertx vertx, FilesRoot root, Duration timeout) {
    this.root = root;
    this.executor = new FilesExecutor(vertx, THREADS, QUEUED, timeout);
    this.gate = new SandboxGate(root, executor, SandboxAccess.OPEN);
  }

  /**
   * Lets pages from the origins {@code allowed} accepts read {@code /files/browse} and
   * {@code /files/read} (CORS: {@code Access-Control-Allow-Origin} names the caller's origin):
   * the agent allows its leading master's, whose web UI tails task logs from the browser. Any
   * other origin gets no such header, so a page from elsewhere cannot read sandboxes.
   * Called once, before {@link #mount}.
   */
  public FilesHandler allowOrigins(java.util.function.Predicate<String> allowed) {
    this.allowedOrigins = java.util.Objects.requireNonNull(allowed, "allowed");
    return this;
  }

  /**
   * Who may read which sandbox (403 for the others); {@link SandboxAccess#OPEN} unless set. The
   * caller of the HTTP endpoints is the principal their authentication proved. Called once, before
   * {@link #mount}.
   */
  public FilesHandler access(SandboxAccess access) {
    this.gate = new SandboxGate(root, executor, Objects.requireNonNull(access, "access"));
    return this;
  }

  /** Stops the files threads; a thread blocked in the kernel is left to exit on its own (it is a daemon). */
  public void close() {
    executor.close();
  }

  public void mount(Router router) {
    router.get("/files/*").handler(ctx -> {
      String origin = ctx.request().getHeader(HttpHeaders.ORIGIN);
      if (origin != null && allowedOrigins.test(origin)) {
        ctx.response().putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin).putHeader(HttpHeaders.VARY, "Origin");
      }
      ctx.next();
    });
    router.get("/files/browse").handler(ctx -> respond(ctx, dir -> browse(ctx.request().getParam("path"), dir)));
    router.get("/files/read").handler(ctx -> respond(ctx, file -> read(
        ctx.request().getParam("path"), file, ctx.request().getParam("offset"), ctx.request().getParam("length"))));
    router.get("/files/download").handler(this::download);
  }

  private void respond(RoutingContext ctx, SandboxGate.FileWork<Object> work) {
    gate.run(CallerPrincipal.of(ctx), ctx.request().getParam("path"), work).onComplete(result -> {
      if (result.succeeded()) {
        String body = result.result() instanceof JsonArray array ? array.encode() : ((JsonObject) result.result()).encode();
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
      } else {
        fail(ctx, result.cause());
      }
    });
  }

  private static JsonArray browse(String virtualPath, Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new FileRequestException(400, "'" + virtualPath + "' is not a directory.");
    }
    String base = virtualPath.endsWith("/") ? virtualPath.substring(0, virtualPath.length() - 1) : virtualPath;
    List<Path> entries = sortedEntries(dir);
    JsonArray files = new JsonArray();
    for (Path entry : entries) {
      try {
        files.add(fileInfo(base + "/" + entry.getFileName(), entry));
      } catch (IOException | UnsupportedOperationException e) {
        log.debug("Skipping {} in a listing: {}", entry, e.getMessage());
      }
    }
    return files;
  }

  private static JsonObject read(String virtualPath, Path file, String offsetParam, String lengthParam)
      throws IOException {
    long offset = number(offsetParam, "offset");
    long length = number(lengthParam, "length");
    if (offset < -1 || length < -1) {
      throw new FileRequestException(400, "Negative offset or length.");
    }
    try (FileChannel channel = openRegular(file, virtualPath, "read")) {
      long size = channel.size();
      if (offset == -1) {
        offset = size;
      }
      if (length == -1) {
        length = size - offset;
      }
      length = Math.min(length, MAX_READ);
      if (offset >= size) {
        return new JsonObject().put("data", "").put("offset", size);
      }
      ByteBuffer buffer = ByteBuffer.allocate((int) Math.max(0, length));
      long position = offset;
      while (buffer.hasRemaining()) {
        int n = channel.read(buffer, position);
        if (n < 0) {
          break;
        }
        position += n;
      }
      buffer.flip();
      return new JsonObject().put("data", StandardCharsets.UTF_8.decode(buffer).toString()).put("offset", offset);
    }
  }

  /**
   * The operator API's LIST_FILES: the entries of a sandbox directory, under the same rules as
   * {@code /files/browse}, run on the files threads. Completes on the caller's context; fails with a
   * {@link FileRequestException} carrying the status to answer (403 when {@code principal} may not
   * read that sandbox).
   */
  public Future<List<FileInfo>> listFiles(Optional<String> principal, String virtualPath) {
    return gate.run(principal, virtualPath, dir -> {
      if (!Files.isDirectory(dir)) {
        throw new FileRequestException(400, "'" + virtualPath + "' is not a directory.");
      }
      String base = virtualPath.endsWith("/") ? virtualPath.substring(0, virtualPath.length() - 1) : virtualPath;
      List<FileInfo> infos = new ArrayList<>();
      for (Path entry : sortedEntries(dir)) {
        try {
          infos.add(fileInfoProto(base + "/" + entry.getFileName(), entry));
        } catch (IOException | UnsupportedOperationException e) {
          log.debug("Skipping {} in a listing: {}", entry, e.getMessage());
        }
      }
      return infos;
    });
  }

  /**
   * The operator API's READ_FILE, as Mesos reads: {@code length} bytes from {@code offset} (the rest
   * of the file when null), at most {@value #MAX_READ} per call, and the file's size; an offset at or
   * past the end reads nothing. Regular files only and confined to the sandboxes, as
   * {@code /files/read}; run on the files threads, completes on the caller's context, fails with a
   * {@link FileRequestException} (403 when {@code principal} may not read that sandbox).
   */
  public Future<FileRead> readFile(Optional<String> principal, String virtualPath, long offset, Long length) {
    if (offset < 0 || (length != null && length < 0)) {
      return Future.failedFuture(new FileRequestException(400, "Negative offset or length."));
    }
    return gate.run(principal, virtualPath, file -> {
      try (FileChannel channel = openRegular(file, virtualPath, "read")) {
        long size = channel.size();
        long wanted = Math.min(length == null ? Math.max(0, size - offset) : length, MAX_READ);
        if (offset >= size || wanted == 0) {
          return new FileRead(size, new byte[0]);
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(wanted, size - offset));
        long position = offset;
        while (buffer.hasRemaining()) {
          int n = channel.read(buffer, position);
          if (n < 0) {
            break;
          }
          position += n;
        }
        return new FileRead(size, java.util.Arrays.copyOf(buffer.array(), buffer.position()));
      }
    });
  }

  /** What READ_FILE answers: the file's size and the bytes read. */
  public record FileRead(long size, byte[] data) {}

  private void download(RoutingContext ctx) {
    String virtualPath = ctx.request().getParam("path");
    gate.run(CallerPrincipal.of(ctx), virtualPath, file -> {
      FileChannel channel = openRegular(file, virtualPath, "download");
      return new Opened(file, channel, channel.size());
    }).onComplete(result -> {
      if (result.failed()) {
        fail(ctx, result.cause());
        return;
      }
      Opened opened = result.result();
      ctx.response()
          .setChunked(true)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream")
          .putHeader("Content-Disposition", "attachment; filename=" + opened.file.getFileName());
      sendFrom(ctx, opened.channel, 0, opened.size);
    });
  }

  /**
   * Streams a checked, open file in chunks read on the files threads (each read has the call
   * timeout), writing them as the client takes them; the channel is closed at the end or on failure.
   */
  private void sendFrom(RoutingContext ctx, FileChannel channel, long position, long end) {
    executor.submit(() -> {
      // What is appended while it downloads is not sent: a busy log would never end.
      ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(DOWNLOAD_CHUNK, Math.max(0, end - position)));
      int n = chunk.hasRemaining() ? channel.read(chunk, position) : -1;
      return n < 0 ? null : Buffer.buffer(java.util.Arrays.copyOf(chunk.array(), n));
    }).onComplete(read -> {
      if (read.failed() || ctx.response().closed()) {
        closeQuietly(channel);
        if (read.failed()) {
          if (ctx.response().headWritten()) {
            ctx.response().reset();
          } else {
            fail(ctx, read.cause());
          }
        }
        return;
      }
      if (read.result() == null) {
        closeQuietly(channel);
        ctx.response().end();
        return;
      }
      long next = position + read.result().length();
      ctx.response().write(read.result());
      if (ctx.response().writeQueueFull()) {
        ctx.response().drainHandler(v -> sendFrom(ctx, channel, next, end));
      } else {
        sendFrom(ctx, channel, next, end);
      }
    });
  }

  private record Opened(Path file, FileChannel channel, long size) {
  }

  /**
   * Opens a regular file for reading, refusing anything else from its attributes first (without
   * following links), so a FIFO, socket or device is never opened; then checks that the path
   * still names the file that was checked.
   */
  static FileChannel openRegular(Path file, String virtualPath, String verb) throws IOException {
    BasicFileAttributes checked;
    try {
      checked = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (java.nio.file.NoSuchFileException e) {
      // Removed since the path was resolved.
      throw new FileRequestException(404, "No file at '" + virtualPath + "'.");
    }
    if (checked.isDirectory()) {
      throw new FileRequestException(400, "Cannot " + verb + " a directory.");
    }
    if (!checked.isRegularFile()) {
      throw new FileRequestException(400, "'" + virtualPath + "' is not a regular file.");
    }
    return openChecked(file, checked, virtualPath);
  }

  /**
   * Opens {@code file}, which was {@code checked} to be a regular file, and checks that it still is
   * that file. A path that changed in between (a link swapped in, which the open refuses with
   * ELOOP, or the file removed) answers 409, like one that changed after the open.
   */
  static FileChannel openChecked(Path file, BasicFileAttributes checked, String virtualPath) throws IOException {
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      // ELOOP from a link swapped in comes as a plain IOException, a removed file as NoSuchFileException.
      if (!stillTheFile(file, checked)) {
        throw new FileRequestException(409, "'" + virtualPath + "' changed while it was opened; try again.");
      }
      throw e;
    }
    try {
      if (!stillTheFile(file, checked)) {
        throw new FileRequestException(409, "'" + virtualPath + "' changed while it was opened; try again.");
      }
      return channel;
    } catch (RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Whether {@code file} (its link, not what it points to) is still the regular file {@code checked} saw. */
  private static boolean stillTheFile(Path file, BasicFileAttributes checked) {
    try {
      BasicFileAttributes now = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return now.isRegularFile() && Objects.equals(now.fileKey(), checked.fileKey());
    } catch (IOException e) {
      return false;
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      log.debug("Closing a downloaded file failed: {}", e.toString());
    }
  }

  private static List<Path> sortedEntries(Path dir) throws IOException {
    try (Stream<Path> listing = Files.list(dir)) {
      return new ArrayList<>(listing.sorted().toList());
    }
  }

  /** An entry as Mesos's FileInfo: {@code mode} is the full {@code st_mode} (type and permission bits), mtime in whole seconds. */
  private static FileInfo fileInfoProto(String virtualPath, Path entry) throws IOException {
    PosixFileAttributes attributes = Files.readAttributes(entry, PosixFileAttributes.class);
    return FileInfo.newBuilder()
        .setPath(virtualPath)
        .setNlink(((Number) Files.getAttribute(entry, "unix:nlink")).intValue())
        .setSize(attributes.size())
        .setMtime(TimeInfo.newBuilder().setNanoseconds(attributes.lastModifiedTime().toMillis() / 1000 * 1_000_000_000L))
        .setMode(((Number) Files.getAttribute(entry, "unix:mode")).intValue())
        .setUid(attributes.owner().getName())
        .setGid(attributes.group().getName())
        .build();
  }

  private static JsonObject fileInfo(String virtualPath, Path entry) throws IOException {
    PosixFileAttributes attributes = Files.readAttributes(entry, PosixFileAttributes.class);
    char type = attributes.isDirectory() ? 'd' : attributes.isSymbolicLink() ? 'l' : attributes.isRegularFile() ? '-' : '?';
    Object nlink = Files.getAttribute(entry, "unix:nlink");
    return new JsonObject()
        .put("path", virtualPath)
        .put("size", attributes.size())
        .put("mode", type + PosixFilePermissions.toString(attributes.permissions()))
        .put("mtime", attributes.lastModifiedTime().toMillis() / 1000)
        .put("nlink", ((Number) nlink).longValue())
        .put("uid", attributes.owner().getName())
        .put("gid", attributes.group().getName());
  }

  private static long number(String text, String name) {
    if (text == null || text.isEmpty()) {
      return -1;
    }
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new FileRequestException(400, "Failed to parse " + name + ": '" + text + "' is not a number.");
    }
  }

  private static void fail(RoutingContext ctx, Throwable cause) {
    int status = cause instanceof FileRequestException refused ? refused.status : 500;
    if (status == 500) {
      log.warn("Files API failed on {}: {}", ctx.request().uri(), cause.toString());
    }
    if (status == 503) {
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "5");
    }
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain").end(cause.getMessage() + "\n");
  }
}
