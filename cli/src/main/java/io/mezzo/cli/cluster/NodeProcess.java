package io.mezzo.cli.cluster;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One process of a local cluster. Its pid is trusted only together with its start time, so
 * that a recycled pid never makes {@code delete} kill somebody else's process.
 */
public record NodeProcess(String role, String name, long pid, String startedAt, int port, String url, String log,
    String workDir, List<String> args) {

  public NodeProcess {
    args = args == null ? null : List.copyOf(args);
  }

  /** The live process this record describes, if it is still running. */
  public Optional<ProcessHandle> handle() {
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> h.info().startInstant()
        .map(Instant::toString).map(s -> startedAt == null || s.equals(startedAt)).orElse(true));
  }

  public boolean alive() {
    return handle().isPresent();
  }

  /** SIGTERM, then SIGKILL after the grace period; true when it is gone. */
  public boolean stop(Duration grace) {
    Optional<ProcessHandle> handle = handle();
    if (handle.isEmpty()) {
      return true;
    }
    ProcessHandle h = handle.get();
    h.destroy();
    try {
      h.onExit().get(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      h.destroyForcibly();
      try {
        h.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      } catch (Exception ignored) {
        // reported below
      }
    }
    return !h.isAlive();
  }

  public JsonObject toJson() {
    return new JsonObject().put("role", role).put("name", name).put("pid", pid).put("started_at", startedAt)
        .put("port", port).put("url", url).put("log", log).put("work_dir", workDir)
        .put("args", args == null ? null : new io.vertx.core.json.JsonArray(args));
  }

  public static NodeProcess fromJson(JsonObject json) {
    return new NodeProcess(json.getString("role"), json.getString("name"), json.getLong("pid"),
        json.getString("started_at"), json.getInteger("port", 0), json.getString("url"), json.getString("log"),
        json.getString("work_dir"), json.getJsonArray("args") == null ? null
            : json.getJsonArray("args").stream().map(String::valueOf).toList());
  }
}
