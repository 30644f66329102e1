package io.mezzo.cli;

import io.mezzo.cli.cluster.MasterOption;
import io.mezzo.master.DurationFlag;
import io.mezzo.protocol.Codec;
import io.mezzo.sdk.Resources;
import io.mezzo.sdk.ScalarResources;
import io.mezzo.sdk.Scheduler;
import io.mezzo.sdk.SchedulerClient;
import io.mezzo.sdk.SchedulerDriver;
import io.mezzo.v1.Protos.CommandInfo;
import io.mezzo.v1.Protos.ContainerInfo;
import io.mezzo.v1.Protos.Image;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.MasterInfo;
import io.mezzo.v1.Protos.Offer;
import io.mezzo.v1.Protos.TaskID;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.v1.Protos.TaskState;
import io.mezzo.v1.Protos.TaskStatus;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

  @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The command, after --")
  List<String> command;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    String master = masterOption.resolve(spec.commandLine());
    MezzoCli.quietClientLogs();
    if (!(cpus > 0) || !(mem > 0)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--cpus and --mem must be positive");
    }
    if (!List.of("process", "docker", "oci").contains(runtime)) {
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
    OneTask scheduler = new OneTask(taskId, String.join(" ", command), System.err);
    FrameworkInfo framework = FrameworkInfo.newBuilder()
        .setUser(System.getProperty("user.name", "root"))
        .setName("mezzo-run")
        .setRole(role)
        .build();
    SchedulerClient client = SchedulerClient.builder().master(master).frameworkInfo(framework).scheduler(scheduler)
        .codec(Codec.PROTOBUF).build();
    client.start();
    TaskStatus last;
    try {
      last = scheduler.result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      System.err.println("mezzo: the task did not end within " + timeout.toSeconds() + " s"
          + (scheduler.launched ? "; killing it" : "; no offer fitted cpus " + cpus + " and mem " + mem));
      client.teardown().get(10, TimeUnit.SECONDS);
      client.close();
      return 1;
    } catch (java.util.concurrent.ExecutionException e) {
      System.err.println("mezzo: " + e.getCause().getMessage());
      client.close();
      return 1;
    }
    if (scheduler.agentUrl != null && client.frameworkId().isPresent()) {
      SandboxFiles files = new SandboxFiles(scheduler.agentUrl);
      String sandbox = "/frameworks/" + client.frameworkId().get().getValue() + "/executors/" + taskId + "/runs/latest";
      files.copy(sandbox + "/stdout", System.out);
      files.copy(sandbox + "/stderr", System.err);
    }
    client.teardown().get(10, TimeUnit.SECONDS);
    client.close().get(10, TimeUnit.SECONDS);
    return exitCode(last);
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

  /** Launches one task on the first offer that fits it and reports its end. */
  private final class OneTask implements Scheduler {
    final CompletableFuture<TaskStatus> result = new CompletableFuture<>();
    final String taskId;
    final String shellCommand;
    final PrintStream out;
    volatile boolean launched;
    volatile String agentUrl;

    OneTask(String taskId, String shellCommand, PrintStream out) {
      this.taskId = taskId;
      this.shellCommand = shellCommand;
      this.out = out;
    }

    @Override
    public void subscribed(SchedulerDriver driver, FrameworkID frameworkId, MasterInfo master) {
      out.printf("mezzo: subscribed as framework %s%n", frameworkId.getValue());
    }

    @Override
    public void offers(SchedulerDriver driver, List<Offer> offers) {
      ScalarResources needed = ScalarResources.of("cpus", cpus).with("mem", mem);
      for (Offer offer : offers) {
        if (launched || !ScalarResources.of(offer).covers(needed) || !hasRuntime(offer)) {
          continue;
        }
        TaskInfo.Builder task = TaskInfo.newBuilder()
            .setName(name)
            .setTaskId(TaskID.newBuilder().setValue(taskId))
            .setAgentId(offer.getAgentId())
            .addAllResources(Resources.allocatedAs(offer, List.of(Resources.cpus(cpus), Resources.mem(mem))))
            .setCommand(CommandInfo.newBuilder().setValue(shellCommand));
        if (runtime.equals("docker")) {
          task.setContainer(ContainerInfo.newBuilder().setType(ContainerInfo.Type.DOCKER)
              .setDocker(ContainerInfo.DockerInfo.newBuilder().setImage(image)));
        } else if (runtime.equals("oci")) {
          // As Mesos's unified containerizer: type MESOS with an image.
          task.setContainer(ContainerInfo.newBuilder().setType(ContainerInfo.Type.MESOS)
              .setMesos(ContainerInfo.MesosInfo.newBuilder().setImage(Image.newBuilder().setType(Image.Type.DOCKER)
                  .setDocker(Image.Docker.newBuilder().setName(image)))));
        }
        launched = true;
        String host = offer.getUrl().getAddress().hasIp() ? offer.getUrl().getAddress().getIp() : offer.getHostname();
        agentUrl = "http://" + host + ":" + offer.getUrl().getAddress().getPort();
        out.printf("mezzo: launching task %s on agent %s (%s)%n", taskId, offer.getAgentId().getValue(),
            offer.getHostname());
        driver.launch(offer.getId(), List.of(task.build())).exceptionally(t -> {
          result.completeExceptionally(t);
          return null;
        });
      }
    }

    /** The agent's {@code runtimes} attribute names the runtime asked for ({@code process} is everywhere). */
    private boolean hasRuntime(Offer offer) {
      return runtime.equals("process") || offer.getAttributesList().stream()
          .anyMatch(a -> a.getName().equals("runtimes") && List.of(a.getText().getValue().split(",")).contains(runtime));
    }

    @Override
    public void update(SchedulerDriver driver, TaskStatus status) {
      if (!status.getTaskId().getValue().equals(taskId)) {
        return;
      }
      out.printf("mezzo: task %s is %s%s%n", taskId, status.getState(),
          status.getMessage().isEmpty() ? "" : ": " + status.getMessage());
      switch (status.getState()) {
        case TASK_FINISHED, TASK_FAILED, TASK_KILLED, TASK_ERROR, TASK_LOST, TASK_DROPPED, TASK_GONE,
            TASK_GONE_BY_OPERATOR -> result.complete(status);
        default -> { }
      }
    }

    @Override
    public void error(SchedulerDriver driver, String message) {
      result.completeExceptionally(new IllegalStateException("the master refused the framework: " + message));
    }
  }
}
