package io.mezzo.agent;

import io.mezzo.agent.checkpoint.CheckpointStore;
import io.mezzo.agent.runtime.docker.DockerEngine;
import io.mezzo.agent.runtime.docker.DockerRuntime;
import io.mezzo.agent.runtime.ProcessRuntime;
import io.mezzo.agent.runtime.cgroups.Cgroups;
import io.mezzo.agent.runtime.oci.OciRuntime;
import io.mezzo.agent.spi.ContainerRuntime;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The agent's runtimes: made from its configuration, and matched to its {@code --runtimes}. */
final class AgentRuntimes {
  private AgentRuntimes() {}

  /**
   * The runtimes {@code config} names, made as {@link AgentMain}'s agent has them: the process
   * runtime with the cgroups this machine has, Docker through its default host, the OCI
   * runtime with the configured binary or the one found on PATH. Blocks (it probes the machine).
   */
  static Agent.RuntimeFactory fromConfig(AgentConfig config) {
    return (vertx, timers) -> {
      List<ContainerRuntime> made = new ArrayList<>();
      Cgroups cgroups = Cgroups.detect(config.cgroups());
      made.add(new ProcessRuntime(vertx, timers, cgroups,
          config.workDir().resolve(CheckpointStore.META).resolve("runtimes").resolve(ProcessRuntime.NAME)));
      if (config.runtimes().contains(DockerRuntime.NAME)) {
        made.add(new DockerRuntime(DockerEngine.defaultHost(), timers, config.workDir().toString()));
      }
      if (config.runtimes().contains(OciRuntime.NAME)) {
        Path binary = config.ociRuntime() != null ? config.ociRuntime() : OciRuntime.defaultBinary()
            .orElseThrow(() -> new IllegalArgumentException("Runtime 'oci' needs runc or crun, and neither is on PATH"));
        made.add(OciRuntime.create(vertx, timers, cgroups, binary, config.workDir().resolve("oci")));
      }
      return made;
    };
  }

  /**
   * One runtime per name in {@code config.runtimes()}, in that order.
   *
   * @throws IllegalArgumentException when a configured runtime is not among {@code available}
   */
  static Map<String, ContainerRuntime> select(AgentConfig config, List<ContainerRuntime> available) {
    Map<String, ContainerRuntime> selected = new LinkedHashMap<>();
    for (String name : config.runtimes()) {
      ContainerRuntime runtime = available.stream().filter(r -> r.name().equals(name)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("No implementation of runtime '" + name + "' was given"));
      selected.put(name, runtime);
    }
    return Collections.unmodifiableMap(selected);
  }
}
