package io.mezzo.cli.operator;

import io.mezzo.discovery.LeaderDetector;
import io.mezzo.discovery.ZkUrl;
import io.mezzo.protocol.Codec;
import io.mezzo.sdk.Credential;
import io.mezzo.protocol.MasterInfos;
import io.mezzo.protocol.ProtocolException;
import io.mezzo.v1.master.Protos.Call;
import io.mezzo.v1.master.Protos.Response;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLContext;

/**
 * A small client of the master's operator API ({@code POST /api/v1}: protobuf for the calls
 * that change things, Mesos JSON for the GET_* views and the SUBSCRIBE stream) and of
 * {@code GET /api/v1/explain}. Finds the leader from a ZooKeeper URL (with the shared
 * {@link LeaderDetector}, once per client) or starts at an HTTP URL and follows the leader's 307s.
 */
public final class OperatorClient {
  private static final int MAX_REDIRECTS = 3;
  /** How long to wait for ZooKeeper to name a leader (one may be being elected). */
  private static final Duration LEADER_WAIT = Duration.ofSeconds(10);
  private final String master;
  private final HttpClient http;
  private final Optional<SSLContext> tls;
  private String baseUrl;

  private final Optional<Credential> credential;

  /** @param master a ZooKeeper URL ({@link ZkUrl#SYNTAX}) or {@code http(s)://host:port} */
  public OperatorClient(String master) {
    this(master, Optional.empty());
  }

  /** A client that authenticates every request with {@code credential} (HTTP Basic), if given. */
  public OperatorClient(String master, Optional<Credential> credential) {
    this(master, credential, Optional.empty());
  }

  /**
   * As above, speaking HTTPS with {@code tls} when given: to the leader found in ZooKeeper (whose
   * MasterInfo carries no scheme) and to an {@code http://} master URL alike.
   */
  public OperatorClient(String master, Optional<Credential> credential, Optional<SSLContext> tls) {
    this.master = master;
    this.credential = credential;
    this.tls = tls;
    HttpClient.Builder builder = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(5));
    tls.ifPresent(builder::sslContext);
    this.http = builder.build();
  }

  /** The TLS trust this client speaks HTTPS with, if any; agents' files are read with it too. */
  public Optional<SSLContext> tls() {
    return tls;
  }

  /** Who this client authenticates as, if anyone; agents' files are read as the same principal. */
  public Optional<Credential> credential() {
    return credential;
  }

  /** {@code https} when this client speaks TLS, else {@code http}. */
  public String scheme() {
    return tls.isPresent() ? "https" : "http";
  }

  /** Sends one call; returns the decoded Response for GET_* calls and an empty one otherwise. */
  public Response call(Call call) {
    HttpResponse<byte[]> response = send(baseUrl(), "/api/v1", HttpResponse.BodyHandlers.ofByteArray(),
        builder -> builder
        .header("Content-Type", Codec.PROTOBUF.mediaType())
        .header("Accept", Codec.PROTOBUF.mediaType())
        .POST(HttpRequest.BodyPublishers.ofByteArray(Codec.PROTOBUF.encode(call))));
    if (response.body().length == 0) {
      return Response.getDefaultInstance();
    }
    try {
      return Codec.PROTOBUF.decode(response.body(), Response.getDefaultInstance());
    } catch (ProtocolException e) {
      throw new OperatorException("The master's answer did not parse: " + e.getMessage());
    }
  }

  /**
   * Sends a GET_* call in JSON and returns the master's Response as Mesos JSON parses: unknown
   * fields (a newer master's) are skipped, and a missing field does not fail the view.
   */
  public Response get(Call.Type type) {
    HttpResponse<byte[]> response = send(baseUrl(), "/api/v1", HttpResponse.BodyHandlers.ofByteArray(),
        builder -> jsonPost(builder, Call.newBuilder().setType(type).build()));
    return MesosJson.parse(new String(response.body(), StandardCharsets.UTF_8), Response.newBuilder());
  }

  /** Opens the master's event stream (SUBSCRIBE, RecordIO of JSON events); the first event is SUBSCRIBED. */
  public EventStream subscribe() {
    HttpResponse<InputStream> response = send(baseUrl(), "/api/v1", HttpResponse.BodyHandlers.ofInputStream(),
        builder -> jsonPost(builder, Call.newBuilder().setType(Call.Type.SUBSCRIBE).build()), Duration.ZERO);
    return new EventStream(response.body());
  }

  private static HttpRequest.Builder jsonPost(HttpRequest.Builder builder, Call call) {
    return builder.header("Content-Type", Codec.JSON.mediaType()).header("Accept", Codec.JSON.mediaType())
        .POST(HttpRequest.BodyPublishers.ofByteArray(Codec.JSON.encode(call)));
  }

  /** Why the framework got no offers: {@code {"framework_id", "why_not": [...]}}. */
  public JsonObject explain(String frameworkId) {
    HttpResponse<byte[]> response = send(baseUrl(), "/api/v1/explain?framework_id="
        + URLEncoder.encode(frameworkId, StandardCharsets.UTF_8), HttpResponse.BodyHandlers.ofByteArray(),
        HttpRequest.Builder::GET);
    return new JsonObject(new String(response.body(), StandardCharsets.UTF_8));
  }

  private <T> HttpResponse<T> send(String base, String pathAndQuery, HttpResponse.BodyHandler<T> body,
      java.util.function.UnaryOperator<HttpRequest.Builder> method) {
    return send(base, pathAndQuery, body, method, Duration.ofSeconds(30));
  }

  /** @param timeout until the whole answer is in; zero for none (a stream) */
  private <T> HttpResponse<T> send(String base, String pathAndQuery, HttpResponse.BodyHandler<T> body,
      java.util.function.UnaryOperator<HttpRequest.Builder> method, Duration timeout) {
    String url = base + pathAndQuery;
    try {
      for (int i = 0; i <= MAX_REDIRECTS; i++) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        credential.ifPresent(c -> request.header("Authorization", c.authorization()));
        if (!timeout.isZero()) {
          request.timeout(timeout);
        }
        HttpResponse<T> response = http.send(method.apply(request).build(), body);
        if (response.statusCode() == 307) {
          String location = response.headers().firstValue("Location")
              .orElseThrow(() -> new OperatorException("The master answered 307 without a Location"));
          url = location.startsWith("//") ? URI.create(url).getScheme() + ":" + location : location;
          discard(response.body());
          continue;
        }
        if (response.statusCode() / 100 != 2) {
          throw new OperatorException(response.statusCode(), text(response.body()).trim());
        }
        return response;
      }
      throw new OperatorException("Too many redirects, last to " + url);
    } catch (IOException e) {
      // A TLS server closes a plain HTTP request without an answer: say what is likely missing.
      String hint = tls.isEmpty() && url.startsWith("http://")
          ? " (if the cluster uses TLS, give its CA with --ca-cert, or use --cluster)" : "";
      throw new OperatorException("Cannot reach the master at " + url + ": " + e.getMessage() + hint);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OperatorException("Interrupted");
    }
  }

  private static String text(Object body) throws IOException {
    if (body instanceof InputStream in) {
      try (in) {
        return new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
      }
    }
    return body instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(body);
  }

  private static void discard(Object body) throws IOException {
    if (body instanceof InputStream in) {
      in.close();
    }
  }

  /** The master's base URL, e.g. {@code http://127.0.0.1:5050}; the leader is looked up once. */
  public synchronized String baseUrl() {
    if (baseUrl == null) {
      baseUrl = findBaseUrl();
    }
    return baseUrl;
  }

  private String findBaseUrl() {
    if (!master.startsWith(ZkUrl.SCHEME)) {
      String url = master.endsWith("/") ? master.substring(0, master.length() - 1) : master;
      return tls.isPresent() && url.startsWith("http://") ? "https://" + url.substring("http://".length()) : url;
    }
    ZkUrl zk = ZkUrl.parse(master);
    try (LeaderDetector detector = LeaderDetector.create(zk, Runnable::run)) {
      detector.start();
      MasterInfos.Endpoint leader = MasterInfos.endpoint(detector.awaitLeader(LEADER_WAIT).get());
      String host = leader.host().contains(":") ? "[" + leader.host() + "]" : leader.host();
      return scheme() + "://" + host + ":" + leader.port();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OperatorException("Interrupted");
    } catch (ExecutionException e) {
      throw new OperatorException(e.getCause().getMessage());
    }
  }

  /** A call the master refused (with its HTTP status) or could not be made. */
  public static final class OperatorException extends RuntimeException {
    private final int status;

    public OperatorException(String message) {
      this(0, message);
    }

    OperatorException(int status, String message) {
      super(status == 0 ? message : "The master answered " + status + ": " + message);
      this.status = status;
    }

    /** The HTTP status, or 0 when the master could not be reached. */
    public int status() {
      return status;
    }
  }
}
