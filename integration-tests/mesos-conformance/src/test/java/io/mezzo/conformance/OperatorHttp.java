package io.mezzo.conformance;

import com.google.protobuf.Message;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * HTTPS to a node's operator API, {@code POST /api/v1}, and its other endpoints ({@code /state}),
 * as a Mesos operator tool sends it: trusting the cluster CA, authenticated with HTTP Basic as
 * principal {@value ClusterAccess#OPERATOR}.
 */
final class OperatorHttp {
  static final String PATH = "/api/v1";
  private final HttpClient http;
  private final String baseUrl;
  private final String authorization;

  OperatorHttp(String baseUrl, ClusterAccess access) {
    this.baseUrl = baseUrl;
    this.http = access.http().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    this.authorization = access.authorization(ClusterAccess.OPERATOR);
  }

  String baseUrl() {
    return baseUrl;
  }

  /** Sends {@code call} and decodes the 200 answer as {@code prototype}'s type; fails on any other status. */
  <R extends Message> R call(Message call, Encoding encoding, R prototype) throws Exception {
    HttpResponse<byte[]> response = raw(call, encoding);
    if (response.statusCode() != 200) {
      throw new AssertionError(call.getDescriptorForType().getFullName() + " " + call + " answered "
          + response.statusCode() + ": " + new String(response.body()));
    }
    String contentType = response.headers().firstValue("Content-Type").orElse("");
    if (!contentType.startsWith(encoding.mediaType)) {
      throw new AssertionError("answered in " + contentType + ", asked for " + encoding.mediaType);
    }
    return encoding.decode(response.body(), prototype);
  }

  HttpResponse<byte[]> raw(Message call, Encoding encoding) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + PATH))
        .header("Content-Type", encoding.mediaType).header("Accept", encoding.mediaType)
        .header("Authorization", authorization)
        .POST(HttpRequest.BodyPublishers.ofByteArray(encoding.encode(call))).timeout(Duration.ofSeconds(30)).build();
    return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  /** {@code GET path} (e.g. {@code /state}); fails unless it answers 200. */
  String get(String path) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
        .header("Authorization", authorization).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new AssertionError("GET " + baseUrl + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  /** Opens the operator event stream (SUBSCRIBE), records decoded as {@code prototype}'s type. */
  <E extends Message> RecordStream<E> subscribe(Message subscribe, Encoding encoding, E prototype) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + PATH))
        .header("Content-Type", encoding.mediaType).header("Accept", encoding.mediaType)
        .header("Authorization", authorization)
        .POST(HttpRequest.BodyPublishers.ofByteArray(encoding.encode(subscribe))).build();
    HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      throw new AssertionError("SUBSCRIBE answered " + response.statusCode() + ": "
          + new String(RecordStream.drain(response.body())));
    }
    return new RecordStream<>(response, encoding, prototype);
  }
}
