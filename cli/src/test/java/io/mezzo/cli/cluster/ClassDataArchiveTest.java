package io.mezzo.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassDataArchiveTest {
  @TempDir
  Path dir;

  @Test
  void aNodeUsesItsRolesArchiveBesideTheJarOnlyWhenItExists() throws Exception {
    Path jar = Files.createFile(dir.resolve("mezzo.jar"));
    assertThat(ClassDataArchive.jvmOptions("agent", jar.toString())).isEmpty();

    Files.createDirectories(dir.resolve("cds"));
    Path archive = Files.createFile(dir.resolve("cds/agent.jsa"));

    assertThat(ClassDataArchive.jvmOptions("agent", jar.toString()))
        .startsWith("-XX:SharedArchiveFile=" + archive.toAbsolutePath());
    assertThat(ClassDataArchive.jvmOptions("master", jar.toString())).as("no master.jsa").isEmpty();
    assertThat(ClassDataArchive.jvmOptions("agent", jar + File.pathSeparator + "other.jar"))
        .as("not run from the one jar (tests, IDE)").isEmpty();
  }

  @Test
  void aJvmGivenAnArchiveThatDoesNotMatchStartsAndSaysNothingOfIt() throws Exception {
    // Not an archive at all: the worst kind of stale. The JVM must run the program as if there were none.
    Files.createDirectories(dir.resolve("cds"));
    Files.writeString(dir.resolve("cds/agent.jsa"), "not an archive");
    Path jar = Files.createFile(dir.resolve("mezzo.jar"));
    List<String> command = new ArrayList<>(List.of(NodeLauncher.javaBinary()));
    command.addAll(ClassDataArchive.jvmOptions("agent", jar.toString()));
    command.addAll(List.of("-XshowSettings:properties", "-version"));
    Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(java.getInputStream().readAllBytes());
    assertThat(java.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(java.exitValue()).as(output).isZero();
    assertThat(output).contains("java.version").doesNotContainIgnoringCase("shared archive");
  }
}
