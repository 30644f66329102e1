package io.mezzo.agent.executors;

import com.google.protobuf.ByteString;
import io.mezzo.v1.Protos.ExecutorID;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import io.mezzo.v1.executor.Protos.Call;
import io.mezzo.v1.executor.Protos.Event;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.UUID;

/**
 * A bare v1 executor API client on the JDK's HttpClient, with its own RecordIO reading (so that
 * the agent's framing is checked by an independent reader). Used by tests and by
 * {@link EchoExecutor}, which runs it in a process of its own.
 */
final class ExecutorClient {
  static final String PROTOBUF = "application/x-protobuf";

  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10))
      .build();
  private final URI uri;
  final FrameworkID frameworkId;
  final ExecutorID executorId;
  /** Sent as {@code Authorization: Bearer} when set (the agent's MESOS_EXECUTOR_AUTHENTICATION_TOKEN). */
  private volatile String token;

  /** @param endpoint the agent's {@code ip:port}, as in MESOS_AGENT_ENDPOINT */
  ExecutorClient(String endpoint, String frameworkId, String executorId) {
    this.uri = URI.create("http://" + endpoint + "/api/v1/executor");
    this.frameworkId = FrameworkID.newBuilder().setValue(frameworkId).build();
    this.executorId = ExecutorID.newBuilder().setValue(executorId).build();
  }

  /** Sends {@code token} with every call from now on (null: none). */
  ExecutorClient token(String token) {
    this.token = token;
    return this;
  }

  private HttpRequest.Builder authorized(HttpRequest.Builder request) {
    String t = token;
    return t == null ? request : request.header("Authorization", "Bearer " + t);
  }

  Call.Builder call(Call.Type type) {
    return Call.newBuilder().setType(type).setFrameworkId(frameworkId).setExecutorId(executorId);
  }

  /** An UPDATE with a fresh uuid and SOURCE_EXECUTOR, as an executor sends it. */
  Call update(String taskId, TaskState state) {
    return call(Call.Type.UPDATE)
        .setUpdate(Call.Update.newBuilder().setStatus(TaskStatus.newBuilder()
            .setTaskId(TaskID.newBuilder().setValue(taskId))
            .setState(state)
            .setSource(TaskStatus.Source.SOURCE_EXECUTOR)
            .setExecutorId(executorId)
            .setUuid(uuid())))
        .build();
  }

  Call message(String data) {
    return call(Call.Type.MESSAGE).setMessage(Call.Message.newBuilder().setData(ByteString.copyFromUtf8(data))).build();
  }

  /** POSTs raw bytes; a null content type sends none. */
  HttpResponse<String> post(byte[] body, String contentType, String accept) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (accept != null) {
      request.header("Accept", accept);
    }
    return http.send(authorized(request).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(Call call) throws IOException, InterruptedException {
    return post(call.toByteArray(), PROTOBUF, null);
  }

  HttpResponse<String> get() throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** SUBSCRIBE; the response's body is the event stream (protobuf records). */
  HttpResponse<InputStream> subscribe(Call.Subscribe subscribe) throws IOException, InterruptedException {
    Call call = call(Call.Type.SUBSCRIBE).setSubscribe(subscribe).build();
    return http.send(authorized(HttpRequest.newBuilder(uri))
            .header("Content-Type", PROTOBUF)
            .header("Accept", PROTOBUF)
            .POST(HttpRequest.BodyPublishers.ofByteArray(call.toByteArray()))
            .build(),
        HttpResponse.BodyHandlers.ofInputStream());
  }

  /** The next event of a protobuf stream, or null at its end. */
  static Event next(InputStream stream) throws IOException {
    long length = 0;
    int digits = 0;
    for (int b = stream.read(); b != '\n'; b = stream.read()) {
      if (b < 0) {
        if (digits == 0) {
          return null;
        }
        throw new IOException("Stream ended inside a record length");
      }
      if (b < '0' || b > '9') {
        throw new IOException("Bad RecordIO length byte " + b);
      }
      length = length * 10 + (b - '0');
      digits++;
    }
    byte[] record = stream.readNBytes((int) length);
    if (record.length != length) {
      throw new IOException("Stream ended inside a record of " + length + " bytes");
    }
    return Event.parseFrom(record);
  }

  static ByteString uuid() {
    UUID uuid = UUID.randomUUID();
    return ByteString.copyFrom(ByteBuffer.allocate(16)
        .putLong(uuid.getMostSignificantBits())
        .putLong(uuid.getLeastSignificantBits())
        .array());
  }

  static String text(ByteString uuid) {
    ByteBuffer buffer = uuid.asReadOnlyByteBuffer();
    return new UUID(buffer.getLong(), buffer.getLong()).toString();
  }
}
