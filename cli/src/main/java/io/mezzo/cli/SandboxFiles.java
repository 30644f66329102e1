package io.mezzo.cli;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Reads a task's sandbox files through the agent's Mesos-style files API ({@code /files/read}). */
final class SandboxFiles {
  private static final int CHUNK = 64 * 1024;
  private final String agentUrl;
  private final PrintWriter err;
  private final HttpClient http;
  private final java.util.Optional<io.mezzo.sdk.Credential> credential;

  /**
   * @param err where a file that cannot be read is reported
   * @param tls the trust for an agent that serves HTTPS, if any
   * @param credential sent as HTTP Basic, for an agent that authenticates its readers
   */
  SandboxFiles(String agentUrl, PrintWriter err, java.util.Optional<javax.net.ssl.SSLContext> tls,
      java.util.Optional<io.mezzo.sdk.Credential> credential) {
    this.agentUrl = agentUrl;
    this.credential = credential;
    this.err = err;
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    tls.ifPresent(builder::sslContext);
    this.http = builder.build();
  }

  /** Copies the whole file to {@code out}; reports (on err) but does not fail when it cannot be read. */
  void copy(String path, PrintWriter out) {
    long offset = 0;
    try {
      while (true) {
        String url = agentUrl + "/files/read?path=" + URLEncoder.encode(path, StandardCharsets.UTF_8)
            + "&offset=" + offset + "&length=" + CHUNK;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        credential.ifPresent(c -> request.header("Authorization", c.authorization()));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
          err.printf("mezzo: cannot read %s from the agent: HTTP %d %s%n", path, response.statusCode(),
              response.body());
          return;
        }
        String data = new JsonObject(response.body()).getString("data", "");
        if (data.isEmpty()) {
          out.flush();
          return;
        }
        out.print(data);
        offset += data.getBytes(StandardCharsets.UTF_8).length;
      }
    } catch (IOException e) {
      err.printf("mezzo: cannot read %s from the agent: %s%n", path, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      out.flush();
      err.flush();
    }
  }
}
