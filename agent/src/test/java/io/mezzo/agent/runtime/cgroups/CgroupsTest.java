package io.mezzo.agent.runtime.cgroups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Detection and the values written, against a fake cgroup tree in a temporary directory (so
 * the v2 path is checked on v1 machines too). The real kernel is in CgroupLimitsTest.
 */
class CgroupsTest {
  @TempDir
  Path root;

  @Test
  void pureV2UnderTheAgentsOwnCgroupEnablesMemoryAndCpuAndWritesMaxAndWeight() throws IOException {
    write(root.resolve("cgroup.controllers"), "cpuset cpu io memory pids");
    Path own = root.resolve("system.slice/agent.service");
    write(own.resolve("cgroup.controllers"), "cpu memory pids");
    write(own.resolve("cgroup.subtree_control"), "");
    write(own.resolve("mezzo/cgroup.subtree_control"), "");

    Cgroups cgroups = Cgroups.detect(root, "0::/system.slice/agent.service\n");

    assertThat(cgroups.enabled()).as(cgroups.reason()).isTrue();
    assertThat(cgroups.version()).contains(Cgroups.Version.V2);
    assertThat(read(own.resolve("cgroup.subtree_control"))).isEqualTo("+memory +cpu");
    assertThat(read(own.resolve("mezzo/cgroup.subtree_control"))).isEqualTo("+memory +cpu");
    write(own.resolve("mezzo/c1/memory.swap.max"), "max");

    ContainerCgroup cgroup = cgroups.create("c1", new ResourceLimits(64, 1.5));

    Path dir = own.resolve("mezzo/c1");
    assertThat(cgroup.directories()).containsExactly(dir);
    assertThat(cgroup.procsFiles()).containsExactly(dir.resolve("cgroup.procs"));
    assertThat(cgroup.memoryHierarchyPath()).isEqualTo("/system.slice/agent.service/mezzo/c1");
    assertThat(cgroup.cpuHierarchyPath()).isEqualTo("/system.slice/agent.service/mezzo/c1");
    assertThat(read(dir.resolve("memory.max"))).isEqualTo(Long.toString(64L << 20));
    assertThat(read(dir.resolve("memory.swap.max"))).isEqualTo("0");
    assertThat(read(dir.resolve("cpu.max"))).isEqualTo("150000 100000");
    assertThat(read(dir.resolve("cpu.weight"))).isEqualTo("150");
    assertThat(cgroup.oomKilled()).isFalse();
    write(dir.resolve("memory.events"), "low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\n");
    assertThat(cgroup.oomKilled()).isTrue();
  }

  @Test
  void v2WithoutTheMemoryControllerMeansNoLimitsAndSaysWhy() throws IOException {
    write(root.resolve("cgroup.controllers"), "cpu pids");

    Cgroups cgroups = Cgroups.detect(root, "0::/\n");

    assertThat(cgroups.enabled()).isFalse();
    assertThat(cgroups.reason()).contains("not memory and cpu");
    assertThatThrownBy(() -> cgroups.create("c1", new ResourceLimits(64, 1))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void v1UsesTheMemoryAndCpuHierarchiesUnderTheAgentsOwnPaths() throws IOException {
    write(root.resolve("memory/memory.limit_in_bytes"), "9223372036854771712");
    write(root.resolve("cpu/cpu.shares"), "1024");
    Files.createDirectories(root.resolve("memory/process_api/abc"));
    write(root.resolve("unified/cgroup.controllers"), "");

    Cgroups cgroups = Cgroups.detect(root, "4:memory:/process_api/abc\n2:cpuacct:/\n1:cpu:/\n0::/\n");

    assertThat(cgroups.version()).contains(Cgroups.Version.V1);
    ContainerCgroup cgroup = cgroups.create("c2", new ResourceLimits(16, 0.001));
    Path memory = root.resolve("memory/process_api/abc/mezzo/c2");
    Path cpu = root.resolve("cpu/mezzo/c2");
    assertThat(cgroup.procsFiles()).containsExactly(memory.resolve("cgroup.procs"), cpu.resolve("cgroup.procs"));
    assertThat(cgroup.memoryHierarchyPath()).isEqualTo("/process_api/abc/mezzo/c2");
    assertThat(cgroup.cpuHierarchyPath()).isEqualTo("/mezzo/c2");
    // Below the minimums, as Mesos: 32 MB and 0.01 cpus.
    assertThat(read(memory.resolve("memory.limit_in_bytes"))).isEqualTo(Long.toString(32L << 20));
    assertThat(memory.resolve("memory.memsw.limit_in_bytes")).doesNotExist();
    assertThat(read(cpu.resolve("cpu.shares"))).isEqualTo("10");
    assertThat(read(cpu.resolve("cpu.cfs_period_us"))).isEqualTo("100000");
    assertThat(read(cpu.resolve("cpu.cfs_quota_us"))).isEqualTo("1000");
    write(memory.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
    assertThat(cgroup.oomKilled()).isFalse();
    // v1 counts a kill in the victim's cgroup only: an OCI runtime's child of ours.
    write(memory.resolve("oci/memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
    assertThat(cgroup.oomKilled()).isTrue();
    write(memory.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
    assertThat(cgroup.oomKilled()).isTrue();
  }

  @Test
  void noCgroupsAtAllMeansNoLimits() {
    Cgroups cgroups = Cgroups.detect(root, "0::/\n");

    assertThat(cgroups.enabled()).isFalse();
    assertThat(cgroups.reason()).contains("neither cgroup v2");
    assertThat(cgroups.directories("c1")).isEmpty();
  }

  @Test
  void offMeansNoLimitsWithoutLooking() {
    Cgroups cgroups = Cgroups.detect(CgroupsMode.OFF);

    assertThat(cgroups.enabled()).isFalse();
    assertThat(cgroups.reason()).isEqualTo("--cgroups off");
  }

  @Test
  void limitsComeFromTheTasksMemAndCpus() {
    assertThat(CgroupsMode.parse(" Auto ")).isEqualTo(CgroupsMode.AUTO);
    assertThatThrownBy(() -> CgroupsMode.parse("v2")).hasMessageContaining("expected auto or off");
    assertThat(ResourceLimits.formatMb(32)).isEqualTo("32");
    assertThat(ResourceLimits.formatMb(32.5)).isEqualTo("32.5");
    assertThat(ResourceLimits.NONE.limitsMemory()).isFalse();
    assertThat(ResourceLimits.NONE.limitsCpu()).isFalse();
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.US_ASCII);
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.US_ASCII);
  }
}
