package io.mezzo.cli;

import io.mezzo.cli.cluster.CredentialOption;
import io.mezzo.cli.cluster.MasterOption;
import io.mezzo.sdk.Credential;
import io.mezzo.sdk.LocalClusters;
import io.mezzo.cli.framework.CommandTasks;
import io.mezzo.cli.framework.FrameworkRun;
import io.mezzo.cli.framework.TaskTemplate;
import io.mezzo.cli.views.AgentFiles;
import io.mezzo.master.DurationFlag;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mezzo run}: runs one task, like mesos-execute. Status updates go to stderr, the
 * task's stdout and stderr to ours, and the exit code is the task's.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Runs one command as a task on the cluster, prints its updates and output, and exits with its exit code.")
public final class RunCommand implements Callable<Integer> {
  private static final Pattern EXIT_STATUS = Pattern.compile("Command exited with status (\\d+)");

  @Mixin
  MasterOption masterOption;

  @Mixin
  CredentialOption credentialOption;

  @Option(names = "--cpus", defaultValue = "0.1", description = "CPUs for the task (default ${DEFAULT-VALUE})")
  double cpus;

  @Option(names = "--mem", defaultValue = "32", description = "Memory in MB for the task (default ${DEFAULT-VALUE})")
  double mem;

  @Option(names = "--name", defaultValue = "mezzo-run", description = "Task name (default ${DEFAULT-VALUE})")
  String name;

  @Option(names = "--role", defaultValue = "*", description = "Role to run in (default ${DEFAULT-VALUE})")
  String role;

  @Option(names = "--runtime", defaultValue = "process",
      description = "Runtime to run in: process, docker or oci (default ${DEFAULT-VALUE})")
  String runtime;

  @Option(names = "--image", description = "Container image, for --runtime docker (local on the agent or pullable)"
      + " and --runtime oci (a local Docker image, or an absolute path to a rootfs directory or tarball on the agent)")
  String image;

  @Option(names = "--timeout", defaultValue = "5mins", converter = DurationFlag.class,
      description = "Give up if the task has not ended by then (default ${DEFAULT-VALUE})")
  Duration timeout;

  @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "After --: one word is a shell command"
      + " ('echo a; exit 3'); several words run as an argv without a shell, each word as given (as docker run)")
  List<String> command;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    String master = masterOption.resolve(spec.commandLine());
    MezzoCli.quietClientLogs();
    if (!(cpus > 0) || !(mem > 0)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--cpus and --mem must be positive");
    }
    if (!TaskTemplate.RUNTIMES.contains(runtime)) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--runtime must be process, docker or oci, got '" + runtime + "'");
    }
    if (runtime.equals("process") == (image != null)) {
      throw new CommandLine.ParameterException(spec.commandLine(), runtime.equals("process")
          ? "--image goes with --runtime docker or oci" : "--runtime " + runtime + " needs --image");
    }
    String taskId = name + "-" + UUID.randomUUID().toString().substring(0, 8);
    if (!taskId.matches("[A-Za-z0-9._-]+")) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--name may use letters, digits, '.', '_' and '-' only, got '" + name + "'");
    }
    PrintWriter err = spec.commandLine().getErr();
    Progress progress = new Progress(err);
    CommandTasks task = new CommandTasks(new TaskTemplate(command, cpus, mem, runtime, image),
        List.of(taskId), name, role, progress);
    FrameworkInfo framework = FrameworkInfo.newBuilder()
        .setUser(System.getProperty("user.name", "root"))
        .setName("mezzo-run")
        .setRole(role)
        .build();
    FrameworkRun started;
    Optional<Credential> credential = masterOption.credential(spec.commandLine(), credentialOption, LocalClusters.FRAMEWORK);
    try {
      started = FrameworkRun.start(master, credential, masterOption.tls(spec.commandLine()), framework, task, err,
          "mezzo: ");
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "Invalid --master: " + e.getMessage(), e);
    }
    try (FrameworkRun run = started) {
      Optional<CommandTasks.Outcome> outcome = run.await(timeout);
      if (outcome.isEmpty()) {
        err.println("mezzo: the task did not end within " + timeout.toSeconds() + " s"
            + (task.launched() > 0 ? "; killing it" : "; no offer fitted cpus " + cpus + " and mem " + mem));
        run.teardown();
        return 1;
      }
      if (outcome.get().error() != null) {
        err.println("mezzo: the master refused the framework: " + outcome.get().error());
        return 1;
      }
      if (progress.agentUrl != null && run.frameworkId().isPresent()) {
        AgentFiles files = new AgentFiles(progress.agentUrl, masterOption.tls(spec.commandLine()), credential);
        String sandbox = "/frameworks/" + run.frameworkId().get().getValue() + "/executors/" + taskId + "/runs/latest";
        err.flush();
        files.copy(sandbox + "/stdout", spec.commandLine().getOut(), err);
        files.copy(sandbox + "/stderr", err, err);
      }
      run.teardown();
      return exitCode(outcome.get().ended().get(taskId));
    }
  }

  /** The task's exit code, from the Mesos command executor's message; 1 for any other unsuccessful end. */
  static int exitCode(TaskStatus status) {
    if (status.getState() == TaskState.TASK_FINISHED) {
      return 0;
    }
    Matcher m = EXIT_STATUS.matcher(status.getMessage());
    if (m.find()) {
      int code = Integer.parseInt(m.group(1));
      return code == 0 ? 1 : code;
    }
    return 1;
  }

  /** Tells the user how the task goes, on stderr, and remembers its agent for the sandbox. */
  private static final class Progress implements CommandTasks.Listener {
    private final PrintWriter err;
    volatile String agentUrl;

    Progress(PrintWriter err) {
      this.err = err;
    }

    @Override
    public void subscribed(FrameworkID frameworkId) {
      say("mezzo: subscribed as framework %s", frameworkId.getValue());
    }

    @Override
    public void launched(TaskInfo task, Offer offer) {
      String host = offer.getUrl().getAddress().hasIp() ? offer.getUrl().getAddress().getIp() : offer.getHostname();
      agentUrl = offer.getUrl().getScheme() + "://" + host + ":" + offer.getUrl().getAddress().getPort();
      say("mezzo: launching task %s on agent %s (%s)", task.getTaskId().getValue(), offer.getAgentId().getValue(),
          offer.getHostname());
    }

    @Override
    public void update(TaskStatus status) {
      say("mezzo: task %s is %s%s", status.getTaskId().getValue(), status.getState(),
          status.getMessage().isEmpty() ? "" : ": " + status.getMessage());
    }

    private void say(String format, Object... args) {
      err.printf(format + "%n", args);
      err.flush();
    }
  }
}
