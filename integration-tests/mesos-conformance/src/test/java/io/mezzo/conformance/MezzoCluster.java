package io.mezzo.conformance;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A cluster started the way a user starts one: {@code mezzo cluster create}, with its own MEZZO_HOME. */
final class MezzoCluster implements AutoCloseable {
  private final Path jar = Path.of(System.getProperty("mezzo.jar", "../../cli/target/mezzo.jar")).toAbsolutePath();
  private final Path home;
  private final String name;
  final String masterUrl;
  final String zk;
  /** Masters that do not lead (with --masters 2 or more). */
  final List<String> standbyUrls = new ArrayList<>();

  MezzoCluster(String name, int agents) throws IOException, InterruptedException {
    this(name, 1, agents);
  }

  MezzoCluster(String name, int masters, int agents) throws IOException, InterruptedException {
    this.name = name;
    this.home = Files.createTempDirectory("mezzo-conformance");
    if (!Files.exists(jar)) {
      throw new IllegalStateException("Build the CLI first: " + jar + " is missing");
    }
    run(180, "cluster", "create", "--name", name, "--masters", Integer.toString(masters), "--agents",
        Integer.toString(agents),
        "--agent-resources", "cpus:4;mem:4096;disk:4096;ports:[31000-31099]");
    JsonObject status = new JsonParser().parse(run(60, "cluster", "status", "--name", name, "-o", "json"))
        .getAsJsonObject();
    masterUrl = status.get("master").getAsString();
    zk = status.get("zk").getAsString();
    status.getAsJsonArray("processes").forEach(p -> {
      JsonObject process = p.getAsJsonObject();
      if (process.get("role").getAsString().equals("master") && !process.get("leading").getAsBoolean()) {
        standbyUrls.add(process.get("url").getAsString());
      }
    });
  }

  /** Runs {@code mezzo ARGS} as a background process of this test (e.g. a master with no ZooKeeper). */
  Process spawn(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
        jar.toString()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  private String run(long timeoutSeconds, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
        jar.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("conformance-out", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(false).redirectOutput(out.toFile())
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    builder.environment().put("MEZZO_HOME", home.toString());
    Process process = builder.start();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException("mezzo " + String.join(" ", args) + " failed: " + Files.readString(out));
    }
    return Files.readString(out);
  }

  @Override
  public void close() throws IOException, InterruptedException {
    keepLogs();
    run(120, "cluster", "delete", "--name", name);
  }

  /** Copies the nodes' logs to target/cluster-logs/NAME, so a failed run can be read afterwards. */
  private void keepLogs() throws IOException {
    Path from = home.resolve("clusters").resolve(name);
    Path to = Path.of("target", "cluster-logs", name);
    Files.createDirectories(to);
    try (var logs = Files.list(from)) {
      for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
        Files.copy(log, to.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }
}
