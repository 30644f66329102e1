package io.mezzo.cli.views;

import io.mezzo.cli.operator.OperatorClient.OperatorException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A task's sandbox files through the agent's Mesos files API ({@code GET /files/read}: a
 * {@code length} of data from an {@code offset}; offset -1 answers the file's size). Used by
 * {@code task logs} and by {@code run}, which prints its task's output.
 */
public final class AgentFiles {
  static final int CHUNK = 64 * 1024;
  private final String agentUrl;
  private final HttpClient http;
  private final java.util.Optional<io.mezzo.sdk.Credential> credential;

  /** What was read, and the file's offset where it starts. */
  record Chunk(long offset, String data) {
    /** Where the next read starts. */
    long end() {
      return offset + data.getBytes(StandardCharsets.UTF_8).length;
    }
  }

  /**
   * @param tls the trust for an agent that serves HTTPS, if any
   * @param credential sent as HTTP Basic, for an agent that authenticates its readers
   */
  public AgentFiles(String agentUrl, java.util.Optional<javax.net.ssl.SSLContext> tls,
      java.util.Optional<io.mezzo.sdk.Credential> credential) {
    this.agentUrl = agentUrl;
    this.credential = credential;
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    tls.ifPresent(builder::sslContext);
    this.http = builder.build();
  }

  /** The file's size in bytes. @throws NoSuchFileException when the agent has no such file */
  long size(String path) throws InterruptedException {
    return read(path, -1, 0).offset();
  }

  /**
   * Up to {@code length} bytes from {@code offset} (fewer at the end; nothing past it).
   *
   * @throws NoSuchFileException when the agent answers 404
   * @throws OperatorException when the agent cannot be reached or refuses otherwise
   */
  Chunk read(String path, long offset, int length) throws InterruptedException {
    String url = agentUrl + "/files/read?path=" + URLEncoder.encode(path, StandardCharsets.UTF_8)
        + "&offset=" + offset + "&length=" + length;
    HttpResponse<String> response;
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
      credential.ifPresent(c -> request.header("Authorization", c.authorization()));
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new OperatorException("Cannot reach the agent at " + agentUrl + ": " + e.getMessage());
    }
    if (response.statusCode() == 404) {
      throw new NoSuchFileException(path);
    }
    if (response.statusCode() != 200) {
      throw new OperatorException("The agent answered " + response.statusCode() + " reading " + path + ": "
          + response.body().trim());
    }
    try {
      JsonObject body = new JsonObject(response.body());
      return new Chunk(body.getLong("offset", offset), body.getString("data", ""));
    } catch (DecodeException | ClassCastException e) {
      throw new OperatorException("The agent's answer reading " + path + " did not parse: " + e.getMessage());
    }
  }

  /**
   * Copies the whole file to {@code out}; reports on {@code err}, without failing, when it cannot be
   * read (a task's output is a courtesy once the task has ended).
   */
  public void copy(String path, java.io.PrintWriter out, java.io.PrintWriter err) throws InterruptedException {
    long offset = 0;
    try {
      while (true) {
        Chunk chunk = read(path, offset, CHUNK);
        if (chunk.data().isEmpty()) {
          return;
        }
        out.print(chunk.data());
        offset = chunk.end();
      }
    } catch (NoSuchFileException | OperatorException e) {
      err.printf("mezzo: cannot read %s from the agent: %s%n", path, e.getMessage());
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** The agent has no such file (yet: a task's sandbox appears when it starts). */
  static final class NoSuchFileException extends RuntimeException {
    NoSuchFileException(String path) {
      super("The agent has no file " + path);
    }
  }
}
