package io.mezzo.agent.health;

import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.HealthCheck;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of a task's health check, blocking (call it from a worker). COMMAND runs the command
 * in the sandbox (exit 0 is healthy); HTTP GETs {@code scheme://127.0.0.1:port/path} (200-399,
 * or one of {@code statuses}, is healthy); TCP connects to {@code 127.0.0.1:port}.
 */
final class HealthProbe {
  private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  private HealthProbe() {}

  /** Null when healthy, else why not. */
  static String run(HealthCheck check, Path sandbox, Map<String, String> environment, Duration timeout) {
    try {
      return switch (check.getType()) {
        case COMMAND -> command(check.getCommand(), sandbox, environment, timeout);
        case HTTP -> http(check.getHttp(), timeout);
        case TCP -> tcp(check.getTcp(), timeout);
        default -> "unsupported health check type " + check.getType();
      };
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    } catch (IOException e) {
      return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
  }

  private static String command(CommandInfo command, Path sandbox, Map<String, String> environment, Duration timeout)
      throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>();
    if (command.getShell()) {
      argv.addAll(List.of("/bin/sh", "-c", command.getValue()));
    } else {
      argv.add(command.getValue());
      if (command.getArgumentsCount() > 1) {
        argv.addAll(command.getArgumentsList().subList(1, command.getArgumentsCount()));
      }
    }
    ProcessBuilder builder = new ProcessBuilder(argv)
        .directory(sandbox.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    // As the task itself (see ProcessRuntime): none of the agent's own variables.
    builder.environment().keySet().removeIf(
        name -> name.startsWith("MEZZO_") || name.startsWith("MESOS_") || name.startsWith("LIBPROCESS_"));
    command.getEnvironment().getVariablesList().forEach(v -> builder.environment().put(v.getName(), v.getValue()));
    builder.environment().putAll(environment);
    Process process = builder.start();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      return "command timed out after " + timeout.toMillis() + " ms";
    }
    int code = process.exitValue();
    return code == 0 ? null : "command exited with status " + code;
  }

  private static String http(HealthCheck.HTTPCheckInfo http, Duration timeout) throws IOException, InterruptedException {
    String scheme = http.hasScheme() && !http.getScheme().isEmpty() ? http.getScheme() : "http";
    String path = http.getPath().startsWith("/") ? http.getPath() : "/" + http.getPath();
    URI uri = URI.create(scheme + "://127.0.0.1:" + http.getPort() + path);
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
    int status = HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    boolean healthy = http.getStatusesCount() > 0 ? http.getStatusesList().contains(status) : status >= 200 && status < 400;
    return healthy ? null : "GET " + uri + " answered " + status;
  }

  private static String tcp(HealthCheck.TCPCheckInfo tcp, Duration timeout) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", tcp.getPort()), (int) Math.max(1, timeout.toMillis()));
      return null;
    }
  }
}
