package io.mezzo.agent.runtime;

import io.mezzo.agent.runtime.cgroups.CgroupException;
import io.mezzo.agent.runtime.cgroups.Cgroups;
import io.mezzo.agent.runtime.cgroups.ContainerCgroup;
import io.mezzo.agent.runtime.cgroups.ResourceLimits;
import io.mezzo.agent.spi.ContainerLaunchException;
import io.mezzo.agent.spi.Termination;
import io.mezzo.v1.Protos.TaskStatus;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A container whose main process runs under a {@link TaskWrapper} (the process runtime's task,
 * the oci runtime's {@code runc run}), in a cgroup of its own when the task has limits.
 */
public class WrappedContainer extends RunningContainer {
  private final TaskWrapper wrapper;
  private final ContainerCgroup cgroup;
  private final ResourceLimits limits;

  /** @param cgroup the task's cgroup, or null when it has none */
  public WrappedContainer(String containerId, TaskWrapper wrapper, ContainerCgroup cgroup, ResourceLimits limits) {
    super(containerId, wrapper.taskPid());
    this.wrapper = wrapper;
    this.cgroup = cgroup;
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /**
   * The new container's own cgroup with its limits, or null when cgroups are off or the task asks
   * for no limits. Blocks.
   *
   * @throws ContainerLaunchException when the cgroup cannot be made
   */
  public static ContainerCgroup createCgroup(Cgroups cgroups, String containerId, ResourceLimits limits) {
    if (!cgroups.enabled() || !(limits.limitsMemory() || limits.limitsCpu())) {
      return null;
    }
    try {
      return cgroups.create(containerId, limits);
    } catch (CgroupException e) {
      throw new ContainerLaunchException("Failed to set up the task's cgroup: " + e.getMessage(), e);
    }
  }

  public final TaskWrapper wrapper() {
    return wrapper;
  }

  /** The task's cgroup, or null. */
  public final ContainerCgroup cgroup() {
    return cgroup;
  }

  @Override
  protected boolean alive() {
    return wrapper.alive();
  }

  /**
   * How it ended, read once the wrapper has ended and before its state files and cgroup go: the
   * exit status the wrapper recorded, and a memory limitation when the kernel's OOM killer hit
   * the cgroup (unless the agent was killing it anyway). Blocks.
   */
  public Termination readTermination() {
    boolean oomKilled = cgroup != null && cgroup.oomKilled();
    OptionalLong peak = cgroup == null ? OptionalLong.empty() : cgroup.peakMemoryBytes();
    Termination termination = wrapper.termination(killed());
    if (oomKilled && !killed()) {
      termination = termination.limitedBy(TaskStatus.Reason.REASON_CONTAINER_LIMITATION_MEMORY, memoryMessage(limits, peak));
    }
    return termination;
  }

  /** As Mesos's memory isolator words it, with the limit named as the task asked for it. */
  public static String memoryMessage(ResourceLimits limits, OptionalLong peakBytes) {
    String mb = ResourceLimits.formatMb(limits.memoryMb());
    StringBuilder message = new StringBuilder("Memory limit exceeded: Requested: ").append(mb).append("MB");
    if (limits.memoryMb() < ResourceLimits.MIN_MEMORY_MB) {
      message.append(" (raised to the minimum of ").append(ResourceLimits.formatMb(ResourceLimits.MIN_MEMORY_MB)).append("MB)");
    }
    peakBytes.ifPresent(peak -> message.append(" Maximum Used: ").append(peak / (1024 * 1024)).append("MB"));
    return message.append("; the task used more than its ").append(mb).append(" MB limit (mem:").append(mb)
        .append(") and was killed").toString();
  }
}
