package io.mezzo.cli;

import io.mezzo.cli.cluster.ClusterFile;
import io.mezzo.cli.cluster.ClusterHome;
import io.mezzo.cli.cluster.CredentialOption;
import io.mezzo.cli.framework.CommandTasks;
import io.mezzo.cli.cluster.MasterOption;
import io.mezzo.cli.framework.FrameworkRun;
import io.mezzo.cli.framework.TaskTemplate;
import io.mezzo.discovery.ZkUrl;
import io.mezzo.sdk.LocalClusters;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code mezzo batch}: runs N copies of a shell command as tasks and exits when all are done,
 * with the flags and output of the example batch framework ({@code examples/}), on the CLI's
 * own {@link CommandTasks}.
 */
@Command(
    name = "batch",
    mixinStandardHelpOptions = true,
    description = "Runs N copies of a shell command as Mezzo tasks, prints one line per ended task,"
        + " tears the framework down when all are done.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every task finished",
      "1:a task did not finish (failed, killed, lost...) or the master refused the framework",
      "2:bad arguments",
      "3:not done within --timeout"
    })
public final class BatchCommand implements Callable<Integer> {
  static final int EXIT_ALL_FINISHED = 0;
  static final int EXIT_FAILED = 1;
  static final int EXIT_TIMEOUT = 3;

  @Spec
  CommandSpec spec;

  @Option(names = "--cluster", description = "A local cluster made by 'mezzo cluster create' (instead of --master)")
  String cluster;

  @Option(names = "--master", defaultValue = "${env:MEZZO_MASTER:-zk://127.0.0.1:2181/mezzo}",
      description = ZkUrl.SYNTAX + " or http://host:port (env MEZZO_MASTER; default: ${DEFAULT-VALUE})")
  String master;

  @Option(names = "--ca-cert", defaultValue = "${env:MEZZO_CA_CERT}",
      description = "Speak HTTPS to the master, trusting this CA (PEM); with --cluster, the cluster's own CA is used"
          + " when it was made with TLS (MEZZO_CA_CERT)")
  java.nio.file.Path caCert;

  @CommandLine.Mixin
  CredentialOption credentialOption;

  @Option(names = "--tasks", defaultValue = "20", description = "How many tasks to run (default: ${DEFAULT-VALUE})")
  int tasks;

  @Option(names = "--cmd", required = true, description = "The shell command each task runs, e.g. 'echo hi'")
  String command;

  @Option(names = "--cpus", defaultValue = "0.1", description = "cpus per task (default: ${DEFAULT-VALUE})")
  double cpus;

  @Option(names = "--mem", defaultValue = "32", description = "Memory per task in MB (default: ${DEFAULT-VALUE})")
  double mem;

  @Option(names = "--role", defaultValue = "*", description = "The role to subscribe with (default: ${DEFAULT-VALUE})")
  String role;

  @Option(names = "--name", defaultValue = "batch", description = "The framework name (default: ${DEFAULT-VALUE})")
  String name;

  @Option(names = "--timeout", defaultValue = "300",
      description = "Seconds to wait for all tasks before giving up (default: ${DEFAULT-VALUE})")
  long timeoutSeconds;

  @Override
  public Integer call() throws InterruptedException {
    validate();
    String masterUrl = masterUrl();
    MezzoCli.quietClientLogs();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<String> ids = IntStream.rangeClosed(1, tasks).mapToObj(i -> "batch-" + i).toList();
    CommandTasks scheduler = new CommandTasks(TaskTemplate.shell(command, cpus, mem), ids, null, role,
        new CommandTasks.Listener() {
          @Override
          public void ended(TaskStatus status) {
            out.println(line(status));
            out.flush();
          }
        });
    FrameworkRun started;
    try {
      started = FrameworkRun.start(masterUrl, MasterOption.credential(spec.commandLine(), credentialOption, cluster, LocalClusters.FRAMEWORK),
          MasterOption.tls(spec.commandLine(), caCert, cluster), frameworkInfo(), scheduler, err, "");
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "Invalid --master: " + e.getMessage(), e);
    }
    try (FrameworkRun run = started) {
      Optional<CommandTasks.Outcome> outcome = run.await(Duration.ofSeconds(timeoutSeconds));
      if (outcome.isEmpty()) {
        if (run.subscribed()) {
          err.println("Not done after " + timeoutSeconds + " s; tearing the framework down");
          run.teardown();
        } else {
          err.println("Not done after " + timeoutSeconds + " s; never subscribed to a master at " + masterUrl);
        }
        return EXIT_TIMEOUT;
      }
      if (outcome.get().error() != null) {
        err.println("The master refused the framework: " + outcome.get().error());
        return EXIT_FAILED;
      }
      run.teardown();
      out.println(outcome.get().finished() + " of " + tasks + " tasks finished, " + outcome.get().failed() + " did not");
      out.flush();
      return outcome.get().succeeded() ? EXIT_ALL_FINISHED : EXIT_FAILED;
    } finally {
      err.flush();
    }
  }

  /** One line per ended task: {@code task batch-3 TASK_FINISHED}, or with the reason it failed. */
  static String line(TaskStatus status) {
    String line = "task " + status.getTaskId().getValue() + " " + status.getState();
    if (status.getState() == TaskState.TASK_FINISHED || status.getMessage().isBlank()) {
      return line;
    }
    return line + ": " + status.getMessage();
  }

  private void validate() {
    CommandLine cmd = spec.commandLine();
    if (tasks < 1) {
      throw new ParameterException(cmd, "--tasks must be at least 1, got " + tasks);
    }
    if (command.isBlank()) {
      throw new ParameterException(cmd, "--cmd must not be empty");
    }
    if (!(cpus > 0) || Double.isInfinite(cpus)) {
      throw new ParameterException(cmd, "--cpus must be a positive number, got " + cpus);
    }
    if (!(mem > 0) || Double.isInfinite(mem)) {
      throw new ParameterException(cmd, "--mem must be a positive number of MB, got " + mem);
    }
    if (role.isBlank()) {
      throw new ParameterException(cmd, "--role must not be empty");
    }
    if (name.isBlank()) {
      throw new ParameterException(cmd, "--name must not be empty");
    }
    if (timeoutSeconds < 1) {
      throw new ParameterException(cmd, "--timeout must be at least 1 second, got " + timeoutSeconds);
    }
  }

  /** --cluster's ZooKeeper URL, else --master. */
  private String masterUrl() {
    if (cluster == null) {
      return master;
    }
    if (spec.commandLine().getParseResult().hasMatchedOption("--master")) {
      throw new ParameterException(spec.commandLine(), "Give either --cluster or --master, not both");
    }
    try {
      return ClusterHome.fromEnvironment().load(ClusterHome.checkName(cluster)).map(ClusterFile::zk)
          .orElseThrow(() -> new IllegalArgumentException("No cluster named '" + cluster + "'"));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  FrameworkInfo frameworkInfo() {
    return FrameworkInfo.newBuilder()
        .setUser(System.getProperty("user.name", "root"))
        .setName(name)
        .addRoles(role)
        .addCapabilities(FrameworkInfo.Capability.newBuilder().setType(FrameworkInfo.Capability.Type.MULTI_ROLE))
        // Survive a short disconnect (master failover) without losing the running tasks.
        .setFailoverTimeout(60)
        .build();
  }
}
