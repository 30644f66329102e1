package io.mezzo.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the built {@code mezzo.jar} as a separate process, as a user would, with its own MEZZO_HOME. */
final class Mezzo {
  /** What one command printed and returned. */
  record Result(int exitCode, String stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }

  private final Path jar;
  private final Path home;

  Mezzo(Path home) {
    this.jar = Path.of(System.getProperty("mezzo.jar", "../cli/target/mezzo.jar")).toAbsolutePath();
    this.home = home;
    if (!Files.exists(jar)) {
      throw new IllegalStateException("Build the CLI first: " + jar + " is missing");
    }
  }

  Result run(long timeoutSeconds, String... args) throws IOException, InterruptedException {
    return run(java.util.Map.of(), timeoutSeconds, args);
  }

  /** Runs with {@code environment} added to this JVM's. */
  Result run(java.util.Map<String, String> environment, long timeoutSeconds, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(javaBinary(), "-jar", jar.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("mezzo-it-out", ".txt");
    Path err = Files.createTempFile("mezzo-it-err", ".txt");
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().put("MEZZO_HOME", home.toString());
    builder.environment().putAll(environment);
    Process process = builder.start();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("mezzo " + String.join(" ", args) + " did not finish in " + timeoutSeconds + " s;"
          + " output:\n" + Files.readString(out) + Files.readString(err));
    }
    return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  static String javaBinary() {
    return ProcessHandle.current().info().command().orElse("java");
  }
}
