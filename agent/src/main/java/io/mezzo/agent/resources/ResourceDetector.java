package io.mezzo.agent.resources;

import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.Value;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Fills in what {@code --resources} leaves out, as the Mesos agent does: cpus from the
 * available processors, mem from physical memory less 1 GiB (at least 512 MB), disk from the
 * work directory's usable space less 5 GiB (at least 1024 MB), ports [31000-32000].
 */
public final class ResourceDetector {
  static final long MEM_HEADROOM_MB = 1024;
  static final long MEM_MIN_MB = 512;
  static final long DISK_HEADROOM_MB = 5 * 1024;
  static final long DISK_MIN_MB = 1024;
  static final long PORTS_BEGIN = 31000;
  static final long PORTS_END = 32000;

  private ResourceDetector() {}

  /** Given resources first, in their order, then a detected value for each of cpus, mem, disk, ports not given. */
  public static List<Resource> complete(List<Resource> given, Path workDir) {
    Set<String> named = given.stream().map(Resource::getName).collect(Collectors.toSet());
    List<Resource> all = new ArrayList<>(given);
    if (!named.contains("cpus")) {
      all.add(scalar("cpus", Runtime.getRuntime().availableProcessors()));
    }
    if (!named.contains("mem")) {
      all.add(scalar("mem", Math.max(MEM_MIN_MB, physicalMemoryMb() - MEM_HEADROOM_MB)));
    }
    if (!named.contains("disk")) {
      all.add(scalar("disk", Math.max(DISK_MIN_MB, usableDiskMb(workDir) - DISK_HEADROOM_MB)));
    }
    if (!named.contains("ports")) {
      all.add(Resource.newBuilder()
          .setName("ports")
          .setType(Value.Type.RANGES)
          .setRanges(Value.Ranges.newBuilder()
              .addRange(Value.Range.newBuilder().setBegin(PORTS_BEGIN).setEnd(PORTS_END)))
          .build());
    }
    return List.copyOf(all);
  }

  static long physicalMemoryMb() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize() / (1024 * 1024);
    }
    return Runtime.getRuntime().maxMemory() / (1024 * 1024);
  }

  static long usableDiskMb(Path workDir) {
    Path existing = workDir.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return 0;
    }
    try {
      return Files.getFileStore(existing).getUsableSpace() / (1024 * 1024);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the free space of " + existing, e);
    }
  }

  private static Resource scalar(String name, double value) {
    return Resource.newBuilder()
        .setName(name)
        .setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value))
        .build();
  }
}
