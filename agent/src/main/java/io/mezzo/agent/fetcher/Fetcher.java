package io.mezzo.agent.fetcher;

import io.mezzo.v1.Protos.CommandInfo;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a task's {@code CommandInfo.uris} into its sandbox before the task starts, as the Mesos
 * fetcher does: http(s) URLs and local files (absolute paths or {@code file://}), saved under
 * {@code output_file} or the URI's last path segment, made executable on request, and
 * extracted when {@code extract} is true (the default) and the name ends in {@code .tar},
 * {@code .tar.gz}, {@code .tgz} or {@code .zip}. An archive entry that would land outside the
 * sandbox fails the fetch before anything of that archive is written. {@code cache} is ignored.
 *
 * <p>Blocking: call it from a worker ({@code executeBlocking}), never from an event loop.
 */
public final class Fetcher {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
  public static final long DEFAULT_MAX_BYTES = 2L * 1024 * 1024 * 1024;
  private static final Logger log = LoggerFactory.getLogger(Fetcher.class);

  private final HttpClient http;
  private final Duration timeout;
  private final long maxBytes;

  public Fetcher() {
    this(DEFAULT_TIMEOUT, DEFAULT_MAX_BYTES);
  }

  /**
   * @param timeout how long one http(s) download may take, connection included
   * @param maxBytes the largest file one URI may bring
   */
  public Fetcher(Duration timeout, long maxBytes) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
    }
    this.timeout = timeout;
    this.maxBytes = maxBytes;
    this.http = HttpClient.newBuilder()
        .connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
  }

  /**
   * Fetches every URI into {@code sandbox}, in order, stopping at the first failure.
   *
   * @throws FetchException naming the URI that failed and why
   */
  public void fetch(List<CommandInfo.URI> uris, Path sandbox) {
    fetch(uris, sandbox, LocalFiles.AGENT);
  }

  /**
   * As {@link #fetch(List, Path)}, reading local files through {@code localFiles}: with the rights
   * of the user the task runs as ({@link LocalFiles#as}), so that a task gets no local file its
   * user could not read.
   */
  public void fetch(List<CommandInfo.URI> uris, Path sandbox, LocalFiles localFiles) {
    Objects.requireNonNull(sandbox, "sandbox");
    Objects.requireNonNull(localFiles, "localFiles");
    for (CommandInfo.URI uri : uris) {
      fetch(uri, sandbox, localFiles);
    }
  }

  /** Fetches one URI into {@code sandbox}; see {@link #fetch(List, Path)}. */
  public void fetch(CommandInfo.URI uri, Path sandbox) {
    fetch(uri, sandbox, LocalFiles.AGENT);
  }

  private void fetch(CommandInfo.URI uri, Path sandbox, LocalFiles localFiles) {
    String value = uri.getValue();
    Source source = source(value);
    String fileName = uri.hasOutputFile() && !uri.getOutputFile().isEmpty() ? uri.getOutputFile() : source.lastSegment(value);
    Path target = target(value, sandbox, fileName);
    try {
      Files.createDirectories(target.getParent());
      if (source.url != null) {
        download(value, source.url, target);
      } else {
        copy(value, source.file, target, localFiles);
      }
      if (uri.getExecutable()) {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(target);
        permissions.add(PosixFilePermission.OWNER_EXECUTE);
        permissions.add(PosixFilePermission.GROUP_EXECUTE);
        permissions.add(PosixFilePermission.OTHERS_EXECUTE);
        Files.setPosixFilePermissions(target, permissions);
      }
    } catch (IOException e) {
      throw new FetchException("Failed to fetch '" + value + "': " + describe(e), e);
    }
    if (uri.getExtract() && !uri.getExecutable()) {
      extract(value, target, sandbox);
    }
    log.info("Fetched '{}' into {}", value, target);
  }

  private void extract(String value, Path archive, Path sandbox) {
    String name = archive.getFileName().toString();
    ArchiveExtractor.Format format = ArchiveExtractor.formatOf(name);
    if (format == null) {
      if (ArchiveExtractor.unsupportedArchive(name)) {
        throw new FetchException("Fetcher cannot extract '" + value + "': only .tar, .tar.gz, .tgz and .zip are"
            + " supported (set extract to false to keep the file as it is)");
      }
      return;
    }
    try {
      ArchiveExtractor.extract(archive, format, sandbox);
    } catch (ArchiveExtractor.UnsafeEntryException e) {
      throw new FetchException("Fetcher refused '" + name + "': " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      throw new FetchException("Failed to extract '" + value + "': " + describe(e), e);
    }
  }

  /** Downloads into a partial file; the timeout covers the whole download, the cap every byte of it. */
  private void download(String value, URI url, Path target) throws IOException {
    Path partial = target.resolveSibling(target.getFileName() + ".fetching");
    HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
    CappedFile[] body = new CappedFile[1];
    CompletableFuture<HttpResponse<Long>> response = http.sendAsync(request, info -> {
      if (info.statusCode() < 200 || info.statusCode() > 299) {
        return HttpResponse.BodySubscribers.replacing(-1L);
      }
      long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
      body[0] = new CappedFile(partial, maxBytes, declared > maxBytes ? declared : -1);
      return body[0];
    });
    try {
      HttpResponse<Long> done = response.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (done.statusCode() < 200 || done.statusCode() > 299) {
        throw new FetchException("Failed to fetch '" + value + "': HTTP " + done.statusCode());
      }
      Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (TimeoutException e) {
      response.cancel(true);
      throw new FetchException("Failed to fetch '" + value + "': timed out after " + timeout.toMillis() + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FetchException("Interrupted while fetching '" + value + "'", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof CappedFile.TooLarge tooLarge) {
        throw new FetchException("Failed to fetch '" + value + "': " + tooLarge.getMessage(), cause);
      }
      throw new FetchException("Failed to fetch '" + value + "': " + describe(cause), cause);
    } finally {
      if (body[0] != null) {
        body[0].abort();
      }
      Files.deleteIfExists(partial);
    }
  }

  /** Copies through {@code localFiles}, with the task user's rights; nothing is left of a refused or oversized file. */
  private void copy(String value, Path file, Path target, LocalFiles localFiles) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new FetchException("Failed to fetch '" + value + "': " + file + " does not exist or is not a regular file");
    }
    if (Files.size(file) > maxBytes) {
      throw new FetchException("Failed to fetch '" + value + "': " + Files.size(file) + " bytes is more than the limit of "
          + maxBytes + " bytes");
    }
    Path partial = target.resolveSibling(target.getFileName() + ".fetching");
    try (java.io.InputStream in = localFiles.open(file);
        java.io.OutputStream out = Files.newOutputStream(partial)) {
      byte[] buffer = new byte[65_536];
      long copied = 0;
      int n;
      while ((n = in.read(buffer)) >= 0) {
        copied += n;
        if (copied > maxBytes) {
          throw new FetchException("Failed to fetch '" + value + "': more than the limit of " + maxBytes + " bytes");
        }
        out.write(buffer, 0, n);
      }
    } catch (java.nio.file.AccessDeniedException e) {
      Files.deleteIfExists(partial);
      throw new FetchException("Failed to fetch '" + value + "': permission denied"
          + (e.getReason() == null ? "" : ": " + e.getReason()), e);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(partial);
      throw e;
    }
    Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Where the file goes: inside the sandbox, or a FetchException. */
  private static Path target(String value, Path sandbox, String fileName) {
    Path root = sandbox.toAbsolutePath().normalize();
    if (fileName.isEmpty() || fileName.startsWith("/") || fileName.contains("\0")) {
      throw new FetchException("Cannot fetch '" + value + "': output file '" + fileName + "' must be a relative path");
    }
    Path target = root.resolve(fileName).normalize();
    for (Path part : Path.of(fileName)) {
      if (part.toString().equals("..")) {
        throw new FetchException("Cannot fetch '" + value + "': output file '" + fileName + "' must not contain '..'");
      }
    }
    if (!target.startsWith(root) || target.equals(root)) {
      throw new FetchException("Cannot fetch '" + value + "': output file '" + fileName + "' is not inside the sandbox");
    }
    return target;
  }

  private static Source source(String value) {
    if (value.startsWith("/")) {
      return new Source(null, Path.of(value));
    }
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new FetchException("Cannot fetch '" + value + "': not a valid URI (" + e.getMessage() + ")");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    return switch (scheme) {
      case "http", "https" -> new Source(uri, null);
      case "file" -> {
        if (uri.getPath() == null || !uri.getPath().startsWith("/")) {
          throw new FetchException("Cannot fetch '" + value + "': a file URI needs an absolute path");
        }
        yield new Source(null, Path.of(uri.getPath()));
      }
      case "" -> throw new FetchException("Cannot fetch '" + value + "': a local path must be absolute");
      default -> throw new FetchException("Cannot fetch '" + value + "': scheme '" + scheme
          + "' is not supported (http, https, file, or an absolute path)");
    };
  }

  private static String describe(Throwable e) {
    if (e instanceof HttpTimeoutException) {
      return "timed out (" + e.getMessage() + ")";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file " + e.getMessage();
    }
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message;
  }

  private record Source(URI url, Path file) {
    String lastSegment(String value) {
      String path = url != null ? url.getPath() : file.toString();
      if (path != null) {
        int slash = path.lastIndexOf('/');
        String last = path.substring(slash + 1);
        if (!last.isEmpty() && !last.equals("..") && !last.equals(".")) {
          return last;
        }
      }
      throw new FetchException("Cannot fetch '" + value + "': it has no file name; set output_file");
    }
  }
}
