package io.mezzo.conformance;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.executor.Protos.Call;
import org.apache.mesos.v1.executor.Protos.Event;

/**
 * A custom executor written only against the official Mesos v1 executor API: it subscribes to
 * the agent named by MESOS_AGENT_ENDPOINT, answers LAUNCH with TASK_RUNNING, KILL with
 * TASK_KILLED, echoes every MESSAGE back with "-pong" appended, and exits on SHUTDOWN.
 * The conformance suite runs it as a task's ExecutorInfo command.
 *
 * <p>It reaches the agent as Mesos's executor libraries do: over HTTPS when the agent sets
 * {@code LIBPROCESS_SSL_ENABLED}, checking the agent's certificate against
 * {@code LIBPROCESS_SSL_CA_FILE} when {@code LIBPROCESS_SSL_VERIFY_SERVER_CERT} is set (else the
 * JVM's default trust, never none), and with {@code MESOS_EXECUTOR_AUTHENTICATION_TOKEN} as a
 * bearer token on every call when the agent gave one.
 */
public final class TestExecutor {
  private final boolean ssl = enabled(System.getenv("LIBPROCESS_SSL_ENABLED"));
  private final HttpClient http = ssl ? HttpClient.newBuilder().sslContext(sslContext()).build()
      : HttpClient.newHttpClient();
  private final URI api = URI.create((ssl ? "https://" : "http://") + System.getenv("MESOS_AGENT_ENDPOINT")
      + "/api/v1/executor");
  private final FrameworkID frameworkId = FrameworkID.newBuilder().setValue(System.getenv("MESOS_FRAMEWORK_ID")).build();
  private final ExecutorID executorId = ExecutorID.newBuilder().setValue(System.getenv("MESOS_EXECUTOR_ID")).build();

  public static void main(String[] args) throws Exception {
    new TestExecutor().run();
  }

  private void run() throws Exception {
    HttpResponse<InputStream> stream = http.send(request(Call.newBuilder().setType(Call.Type.SUBSCRIBE)
        .setSubscribe(Call.Subscribe.newBuilder())), HttpResponse.BodyHandlers.ofInputStream());
    if (stream.statusCode() != 200) {
      System.err.println("SUBSCRIBE answered " + stream.statusCode());
      System.exit(2);
    }
    try (InputStream in = stream.body()) {
      while (true) {
        Event event = Event.parseFrom(nextRecord(in));
        System.out.println("event " + event.getType());
        switch (event.getType()) {
          case LAUNCH -> update(event.getLaunch().getTask().getTaskId(), TaskState.TASK_RUNNING);
          case KILL -> update(event.getKill().getTaskId(), TaskState.TASK_KILLED);
          case MESSAGE -> send(Call.newBuilder().setType(Call.Type.MESSAGE).setMessage(Call.Message.newBuilder()
              .setData(event.getMessage().getData().concat(ByteString.copyFromUtf8("-pong")))));
          case SHUTDOWN -> System.exit(0);
          default -> { }
        }
      }
    }
  }

  private void update(TaskID task, TaskState state) throws IOException, InterruptedException {
    UUID uuid = UUID.randomUUID();
    ByteBuffer bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
        .putLong(uuid.getLeastSignificantBits());
    send(Call.newBuilder().setType(Call.Type.UPDATE).setUpdate(Call.Update.newBuilder().setStatus(
        TaskStatus.newBuilder().setTaskId(task).setState(state).setSource(TaskStatus.Source.SOURCE_EXECUTOR)
            .setExecutorId(executorId).setUuid(ByteString.copyFrom(bytes.array()))
            .setTimestamp(System.currentTimeMillis() / 1000.0))));
  }

  private void send(Call.Builder call) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(request(call), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 202) {
      System.err.println(call.getType() + " answered " + response.statusCode() + ": " + response.body());
    }
  }

  private HttpRequest request(Call.Builder call) {
    HttpRequest.Builder request = HttpRequest.newBuilder(api)
        .header("Content-Type", "application/x-protobuf").header("Accept", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(call.setFrameworkId(frameworkId).setExecutorId(executorId)
            .build().toByteArray()));
    // As Mesos's executor library: the agent's token, when it gave one, goes with every call.
    String token = System.getenv("MESOS_EXECUTOR_AUTHENTICATION_TOKEN");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return request.build();
  }

  /** Libprocess's reading of a boolean variable: 1, true or yes (any case). */
  private static boolean enabled(String value) {
    return value != null && List.of("1", "true", "yes").contains(value.trim().toLowerCase(Locale.ROOT));
  }

  private static SSLContext sslContext() {
    String caFile = System.getenv("LIBPROCESS_SSL_CA_FILE");
    if (enabled(System.getenv("LIBPROCESS_SSL_VERIFY_SERVER_CERT")) && caFile != null) {
      return ClusterAccess.trusting(Path.of(caFile));
    }
    try {
      return SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] nextRecord(InputStream in) throws IOException {
    long length = 0;
    int b;
    while ((b = in.read()) != '\n') {
      if (b < 0) {
        System.exit(0);
      }
      length = length * 10 + (b - '0');
    }
    return in.readNBytes((int) length);
  }
}
