package io.mezzo.benchmarks.load;

import com.google.protobuf.InvalidProtocolBufferException;
import io.mezzo.v1.Protos.Metric;
import io.mezzo.v1.master.Protos.Call;
import io.mezzo.v1.master.Protos.Response;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Blocking operator-API calls on a master's {@code http://host:port}, timed from sending the
 * request to the last byte of the answer read: what an operator's tool waits for.
 */
final class OperatorProbe {
  /** One timed answer: how long it took and how many bytes it had. */
  record Timed(long nanos, long bytes) {
    double millis() {
      return nanos / 1e6;
    }
  }

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  private final URI base;

  OperatorProbe(String masterHttp) {
    this.base = URI.create(masterHttp.endsWith("/") ? masterHttp : masterHttp + "/");
  }

  /** A call answered in protobuf. */
  Response call(Call.Type type) throws IOException, InterruptedException {
    HttpResponse<byte[]> answer = post(type, false);
    try {
      return Response.parseFrom(answer.body());
    } catch (InvalidProtocolBufferException e) {
      throw new IOException("Not a Response: " + e.getMessage(), e);
    }
  }

  /** A call in protobuf or JSON, body read whole. */
  Timed timed(Call.Type type, boolean json) throws IOException, InterruptedException {
    long start = System.nanoTime();
    HttpResponse<byte[]> answer = post(type, json);
    return new Timed(System.nanoTime() - start, answer.body().length);
  }

  /** A call in JSON asking for gzip: the bytes are the compressed ones (the master must answer gzip). */
  Timed timedGzip(Call.Type type) throws IOException, InterruptedException {
    long start = System.nanoTime();
    HttpResponse<byte[]> answer = http.send(HttpRequest.newBuilder(base.resolve("api/v1"))
        .header("Content-Type", "application/json").header("Accept", "application/json")
        .header("Accept-Encoding", "gzip").timeout(Duration.ofMinutes(2))
        .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"" + type.name() + "\"}")).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    check(answer, type.name());
    if (!answer.headers().firstValue("Content-Encoding").orElse("").equals("gzip")) {
      throw new IOException(type + " asked for gzip but was answered " + answer.headers().map());
    }
    return new Timed(System.nanoTime() - start, answer.body().length);
  }

  /** The v0 {@code GET /state} JSON. */
  Timed timedState() throws IOException, InterruptedException {
    long start = System.nanoTime();
    HttpResponse<byte[]> answer = http.send(HttpRequest.newBuilder(base.resolve("state")).GET()
        .timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofByteArray());
    check(answer, "/state");
    return new Timed(System.nanoTime() - start, answer.body().length);
  }

  /** GET_METRICS as a map. */
  Map<String, Double> metrics() throws IOException, InterruptedException {
    Map<String, Double> out = new HashMap<>();
    for (Metric metric : call(Call.Type.GET_METRICS).getGetMetrics().getMetricsList()) {
      out.put(metric.getName(), metric.getValue());
    }
    return out;
  }

  private HttpResponse<byte[]> post(Call.Type type, boolean json) throws IOException, InterruptedException {
    String media = json ? "application/json" : "application/x-protobuf";
    byte[] body = json ? ("{\"type\":\"" + type.name() + "\"}").getBytes(StandardCharsets.UTF_8)
        : Call.newBuilder().setType(type).build().toByteArray();
    HttpResponse<byte[]> answer = http.send(HttpRequest.newBuilder(base.resolve("api/v1"))
        .header("Content-Type", media).header("Accept", media).timeout(Duration.ofMinutes(2))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    check(answer, type.name());
    return answer;
  }

  private static void check(HttpResponse<byte[]> answer, String what) throws IOException {
    if (answer.statusCode() != 200) {
      throw new IOException(what + " answered " + answer.statusCode() + ": "
          + new String(answer.body(), StandardCharsets.UTF_8));
    }
  }
}
