package io.mezzo.agent.files;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
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
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Mesos files API over the sandboxes: {@code /files/browse}, {@code /files/read} and
 * {@code /files/download}, each taking a virtual {@code path} (see {@link FilesRoot}), with the
 * same answers as Mesos's files.cpp.
 */
public final class FilesHandler {
  /** Mesos caps one read at 16 pages. */
  static final int MAX_READ = 16 * 4096;
  private static final Logger log = LoggerFactory.getLogger(FilesHandler.class);

  private final Vertx vertx;
  private final FilesRoot root;

  public FilesHandler(Vertx vertx, FilesRoot root) {
    this.vertx = vertx;
    this.root = root;
  }

  public void mount(Router router) {
    router.get("/files/browse").handler(ctx -> respond(ctx, () -> browse(ctx.request().getParam("path"))));
    router.get("/files/read").handler(ctx -> respond(ctx, () -> read(
        ctx.request().getParam("path"), ctx.request().getParam("offset"), ctx.request().getParam("length"))));
    router.get("/files/download").handler(this::download);
  }

  private void respond(RoutingContext ctx, Callable<Object> work) {
    vertx.executeBlocking(work, false).onComplete(result -> {
      if (result.succeeded()) {
        String body = result.result() instanceof JsonArray array ? array.encode() : ((JsonObject) result.result()).encode();
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
      } else {
        fail(ctx, result.cause());
      }
    });
  }

  JsonArray browse(String virtualPath) throws IOException {
    Path dir = root.resolve(virtualPath);
    if (!Files.isDirectory(dir)) {
      throw new FileRequestException(400, "'" + virtualPath + "' is not a directory.");
    }
    String base = virtualPath.endsWith("/") ? virtualPath.substring(0, virtualPath.length() - 1) : virtualPath;
    List<Path> entries;
    try (Stream<Path> listing = Files.list(dir)) {
      entries = new ArrayList<>(listing.sorted().toList());
    }
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

  JsonObject read(String virtualPath, String offsetParam, String lengthParam) throws IOException {
    long offset = number(offsetParam, "offset");
    long length = number(lengthParam, "length");
    if (offset < -1 || length < -1) {
      throw new FileRequestException(400, "Negative offset or length.");
    }
    Path file = root.resolve(virtualPath);
    if (Files.isDirectory(file)) {
      throw new FileRequestException(400, "Cannot read a directory.");
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
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

  private void download(RoutingContext ctx) {
    String virtualPath = ctx.request().getParam("path");
    vertx.executeBlocking(() -> {
      Path file = root.resolve(virtualPath);
      if (Files.isDirectory(file)) {
        throw new FileRequestException(400, "Cannot download a directory.");
      }
      return file;
    }, false).onComplete(result -> {
      if (result.failed()) {
        fail(ctx, result.cause());
        return;
      }
      Path file = result.result();
      ctx.response()
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream")
          .putHeader("Content-Disposition", "attachment; filename=" + file.getFileName())
          .sendFile(file.toString())
          .onFailure(e -> {
            if (!ctx.response().headWritten()) {
              fail(ctx, e);
            }
          });
    });
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
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain").end(cause.getMessage() + "\n");
  }
}
