package io.mezzo.conformance;

import com.google.protobuf.Message;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP to a node's operator API, {@code POST /api/v1}, as a Mesos operator tool sends it. */
final class OperatorHttp {
  static final String PATH = "/api/v1";
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;

  OperatorHttp(String baseUrl) {
    this.baseUrl = baseUrl;
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
        .POST(HttpRequest.BodyPublishers.ofByteArray(encoding.encode(call))).timeout(Duration.ofSeconds(30)).build();
    return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Opens the operator event stream (SUBSCRIBE), records decoded as {@code prototype}'s type. */
  <E extends Message> RecordStream<E> subscribe(Message subscribe, Encoding encoding, E prototype) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + PATH))
        .header("Content-Type", encoding.mediaType).header("Accept", encoding.mediaType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(encoding.encode(subscribe))).build();
    HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      throw new AssertionError("SUBSCRIBE answered " + response.statusCode() + ": "
          + new String(RecordStream.drain(response.body())));
    }
    return new RecordStream<>(response, encoding, prototype);
  }
}
