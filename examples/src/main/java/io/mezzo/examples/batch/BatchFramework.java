package io.mezzo.examples.batch;

import io.mezzo.sdk.SchedulerClient;
import io.mezzo.v1.Protos.FrameworkInfo;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A batch framework: runs N copies of a shell command on the cluster and exits when all are
 * done. Written only against the framework SDK.
 *
 * <pre>
 * java -cp examples/target/mezzo-examples-*-all.jar io.mezzo.examples.batch.BatchFramework \
 *     --cluster demo --tasks 5 --cmd 'echo hi'
 * </pre>
 *
 * <p>{@code --cluster} names a cluster made by {@code mezzo cluster create} on this machine: the
 * SDK finds its masters, trusts its CA and authenticates as its framework principal
 * ({@link SchedulerClient.Builder#localCluster}). {@code --master} reaches any master over plain HTTP.
 */
@Command(
    name = "batch-framework",
    mixinStandardHelpOptions = true,
    description = "Runs N copies of a shell command as Mezzo tasks, prints one line per finished task,"
        + " tears the framework down when all are done.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every task finished",
      "1:a task did not finish (failed, killed, lost...) or the master refused the framework",
      "2:bad arguments",
      "3:not done within --timeout"
    })
public final class BatchFramework implements Callable<Integer> {
  static final int EXIT_ALL_FINISHED = 0;
  static final int EXIT_FAILED = 1;
  static final int EXIT_USAGE = 2;
  static final int EXIT_TIMEOUT = 3;

  @Spec
  CommandSpec spec;

  @Option(names = "--master", defaultValue = "${env:MEZZO_MASTER:-zk://127.0.0.1:2181/mezzo}",
      description = "zk://host:port/path or http://host:port (env MEZZO_MASTER; default: ${DEFAULT-VALUE})")
  String master;

  @Option(names = "--cluster", description = "A local cluster made by 'mezzo cluster create' (instead of --master):"
      + " its masters, its CA and its framework principal's credential")
  String cluster;

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

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code. */
  static int run(String... args) {
    return new CommandLine(new BatchFramework()).execute(args);
  }

  @Override
  public Integer call() throws InterruptedException {
    validate();
    PrintWriter out = spec.commandLine().getOut();
    BatchScheduler scheduler = new BatchScheduler(tasks, command, cpus, mem, role, line -> {
      out.println(line);
      out.flush();
    });
    SchedulerClient client;
    try {
      SchedulerClient.Builder builder = SchedulerClient.builder();
      if (cluster != null) {
        builder.localCluster(cluster);
      } else {
        builder.master(master);
      }
      client = builder
          .frameworkInfo(frameworkInfo())
          .scheduler(scheduler)
          .build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(),
          (cluster != null ? "Invalid --cluster: " : "Invalid --master: ") + e.getMessage(), e);
    }
    PrintWriter err = spec.commandLine().getErr();
    try {
      client.start();
      BatchResult result = scheduler.result().get(timeoutSeconds, TimeUnit.SECONDS);
      if (result.error() != null) {
        err.println("The master refused the framework: " + result.error());
        return EXIT_FAILED;
      }
      teardown(client, err);
      out.println(result.finished() + " of " + tasks + " tasks finished, " + result.failed() + " did not");
      out.flush();
      return result.succeeded() ? EXIT_ALL_FINISHED : EXIT_FAILED;
    } catch (TimeoutException e) {
      if (client.isSubscribed()) {
        err.println("Not done after " + timeoutSeconds + " s; tearing the framework down");
        teardown(client, err);
      } else {
        err.println("Not done after " + timeoutSeconds + " s; never subscribed to a master at " + master);
      }
      return EXIT_TIMEOUT;
    } catch (ExecutionException e) {
      err.println("The batch failed: " + e.getCause());
      return EXIT_FAILED;
    } finally {
      err.flush();
      try {
        client.close().get(10, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        err.println("The scheduler client did not stop cleanly: " + e);
      }
    }
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

  private static void teardown(SchedulerClient client, PrintWriter err) throws InterruptedException {
    try {
      client.teardown().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      err.println("Could not tear the framework down: " + (e.getCause() == null ? e : e.getCause()));
    }
  }
}
