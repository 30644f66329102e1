package io.mezzo.conformance;

import com.google.protobuf.Message;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.mesos.v1.scheduler.Protos.Call;

/**
 * HTTPS to {@code /api/v1/scheduler}, with the headers a Mesos v1 framework sends: it trusts the
 * cluster CA and authenticates every call with HTTP Basic as principal
 * {@value ClusterAccess#FRAMEWORK}, as a Mesos scheduler library given a credential does.
 */
final class SchedulerHttp {
  static final String PATH = "/api/v1/scheduler";
  private final HttpClient http;
  private final String masterUrl;
  private final String authorization;

  SchedulerHttp(String masterUrl, ClusterAccess access) {
    this.masterUrl = masterUrl;
    this.http = access.http().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    this.authorization = access.authorization(ClusterAccess.FRAMEWORK);
  }

  EventStream subscribe(Call subscribe, Encoding encoding) throws Exception {
    return subscribe(PATH, subscribe, encoding);
  }

  EventStream subscribe(String path, Call subscribe, Encoding encoding) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(masterUrl + path))
        .header("Content-Type", encoding.mediaType)
        .header("Accept", encoding.mediaType)
        .header("Authorization", authorization)
        .POST(HttpRequest.BodyPublishers.ofByteArray(encoding.encode(subscribe)))
        .build();
    HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      throw new AssertionError("SUBSCRIBE answered " + response.statusCode() + ": "
          + new String(EventStream.drain(response.body())));
    }
    return new EventStream(response, encoding);
  }

  HttpResponse<String> call(Message call, Encoding encoding, String streamId) throws Exception {
    return raw("POST", PATH, encoding.mediaType, null, encoding.encode(call), streamId);
  }

  HttpResponse<String> raw(String method, String path, String contentType, String accept, byte[] body, String streamId)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(masterUrl + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", authorization);
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (accept != null) {
      request.header("Accept", accept);
    }
    if (streamId != null) {
      request.header("Mesos-Stream-Id", streamId);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
