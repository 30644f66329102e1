package io.mezzo.agent.runtime.cgroups;

import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.TaskInfo;

/**
 * The limits a task's scalar resources ask for. As the Mesos cgroups isolators, a memory limit
 * is never below {@link #MIN_MEMORY_MB} and a cpu limit never below {@link #MIN_CPUS}, so a
 * task that asks for almost nothing can still start a shell.
 *
 * @param memoryMb the task's {@code mem} in MB, or 0 when it asks for none (no memory limit)
 * @param cpus the task's {@code cpus}, or 0 when it asks for none (no cpu limit)
 */
public record ResourceLimits(double memoryMb, double cpus) {
  public static final double MIN_MEMORY_MB = 32;
  public static final double MIN_CPUS = 0.01;
  public static final ResourceLimits NONE = new ResourceLimits(0, 0);

  public ResourceLimits {
    if (!(memoryMb >= 0) || !(cpus >= 0) || Double.isInfinite(memoryMb) || Double.isInfinite(cpus)) {
      throw new IllegalArgumentException("Limits must be finite and not negative: mem " + memoryMb + ", cpus " + cpus);
    }
  }

  /** The sum of the task's {@code mem} and {@code cpus} scalars, whatever their roles. */
  public static ResourceLimits of(TaskInfo task) {
    double mem = 0;
    double cpus = 0;
    for (Resource resource : task.getResourcesList()) {
      if (!resource.hasScalar()) {
        continue;
      }
      if (resource.getName().equals("mem")) {
        mem += resource.getScalar().getValue();
      } else if (resource.getName().equals("cpus")) {
        cpus += resource.getScalar().getValue();
      }
    }
    return new ResourceLimits(mem, cpus);
  }

  public boolean limitsMemory() {
    return memoryMb > 0;
  }

  public boolean limitsCpu() {
    return cpus > 0;
  }

  /** The memory limit in bytes (at least {@link #MIN_MEMORY_MB}). */
  public long memoryBytes() {
    return (long) (Math.max(memoryMb, MIN_MEMORY_MB) * 1024 * 1024);
  }

  /** The effective cpus (at least {@link #MIN_CPUS}). */
  public double effectiveCpus() {
    return Math.max(cpus, MIN_CPUS);
  }

  /** {@code 32} for 32.0, {@code 32.5} otherwise: how the limit is named in messages. */
  public static String formatMb(double mb) {
    return mb == Math.rint(mb) ? Long.toString((long) mb) : Double.toString(mb);
  }
}
