package io.mezzo.benchmarks;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The {@code mezzo} command a benchmark drives, run in a {@code MEZZO_HOME} of its own. */
public record MezzoCommand(List<String> command) {
  /** What one run printed (stdout and stderr) and how it exited; -1 when it ran over 5 minutes and was killed. */
  public record Outcome(int exit, String output) {}

  /** {@code --mezzo}: the launcher script, or the mezzo jar (then run with this JVM's java). */
  public static MezzoCommand of(String value) {
    return new MezzoCommand(value.endsWith(".jar")
        ? List.of(ProcessHandle.current().info().command().orElse("java"), "-jar", value) : List.of(value));
  }

  public Outcome run(Path home, String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(command);
    argv.addAll(Arrays.asList(args));
    // Named after the subcommand (the words before the first flag): cli-cluster-create-…, cli-batch-….
    String subcommand = String.join("-", Arrays.stream(args).takeWhile(a -> !a.startsWith("-")).toList());
    Path out = Files.createTempFile(home, "cli-" + subcommand + "-", ".out");
    ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true)
        .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().put("MEZZO_HOME", home.toString());
    Process process = builder.start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      return new Outcome(-1, Files.readString(out, StandardCharsets.UTF_8));
    }
    return new Outcome(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
  }
}
