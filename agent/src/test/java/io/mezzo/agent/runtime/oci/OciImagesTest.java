package io.mezzo.agent.runtime.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.agent.spi.ContainerLaunchException;
import io.mezzo.v1.Protos.ContainerInfo;
import io.mezzo.v1.Protos.Image;
import io.mezzo.v1.Protos.TaskInfo;
import io.mezzo.agent.testing.Tasks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image resolution without an OCI runtime or Docker engine: paths and tarballs only. */
class OciImagesTest {
  /** A client of an engine that is not there: rootfs directories and tarballs must not need it. */
  static final com.github.dockerjava.api.DockerClient NO_ENGINE =
      io.mezzo.agent.runtime.docker.DockerEngine.client("unix:///nonexistent/docker.sock", java.time.Duration.ofSeconds(2));

  @TempDir
  Path work;

  @Test
  void concurrentLaunchesOfOneTarballExtractItOnce() throws Exception {
    Path source = Files.createDirectories(work.resolve("source/etc"));
    Files.writeString(source.resolve("motd"), "hello\n");
    Path tarball = work.resolve("image.tgz");
    Process tar = new ProcessBuilder("tar", "-czf", tarball.toString(), "-C", work.resolve("source").toString(), ".")
        .inheritIO().start();
    assertThat(tar.waitFor(30, TimeUnit.SECONDS) && tar.exitValue() == 0).isTrue();
    OciImages images = new OciImages(work.resolve("cache"), NO_ENGINE);
    TaskInfo task = OciRuntimeTest.task(tarball.toString(), "true");

    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Path>> results = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        results.add(pool.submit(() -> {
          go.await();
          return images.rootfs(task);
        }));
      }
      go.countDown();
      List<Path> rootfs = new ArrayList<>();
      for (Future<Path> result : results) {
        rootfs.add(result.get(60, TimeUnit.SECONDS));
      }

      assertThat(rootfs).containsOnly(rootfs.get(0));
      assertThat(rootfs.get(0).getFileName().toString()).isEqualTo("rootfs");
      assertThat(rootfs.get(0).resolve("etc/motd")).hasContent("hello");
      try (var entries = Files.list(work.resolve("cache"))) {
        // One entry, no temporary directory left.
        assertThat(entries.map(p -> p.getFileName().toString())).singleElement().asString().startsWith("tar-");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aDirectoryIsUsedAsItIs() {
    OciImages images = new OciImages(work.resolve("cache"), NO_ENGINE);

    assertThat(images.rootfs(OciRuntimeTest.task(work.toString(), "true"))).isEqualTo(work);
    assertThat(work.resolve("cache")).doesNotExist();
  }

  @Test
  void aDockerNameWithoutAnEngineSaysWhy() {
    OciImages images = new OciImages(work.resolve("cache"), NO_ENGINE);

    assertThatThrownBy(() -> images.rootfs(OciRuntimeTest.task("busybox:latest", "true")))
        .isInstanceOf(ContainerLaunchException.class)
        .hasMessageStartingWith("Cannot inspect image 'busybox:latest' in the Docker engine (")
        .hasMessageEndingWith("); a rootfs directory or tarball named by its absolute path needs no engine");
  }

  @Test
  void aFileThatIsNoTarballIsRefused() throws Exception {
    Path file = Files.writeString(work.resolve("image.zip"), "x");
    OciImages images = new OciImages(work.resolve("cache"), NO_ENGINE);

    assertThatThrownBy(() -> images.rootfs(OciRuntimeTest.task(file.toString(), "true")))
        .isInstanceOf(ContainerLaunchException.class)
        .hasMessage("Image '" + file + "' is neither a directory nor a .tar, .tar.gz or .tgz rootfs tarball");
  }

  @Test
  void noImageOrANamelessOneIsRefused() {
    TaskInfo none = TaskInfo.newBuilder(Tasks.shellTask("t1", "true"))
        .setContainer(ContainerInfo.newBuilder().setType(ContainerInfo.Type.MESOS)).build();
    TaskInfo nameless = TaskInfo.newBuilder(Tasks.shellTask("t2", "true"))
        .setContainer(ContainerInfo.newBuilder().setType(ContainerInfo.Type.MESOS)
            .setMesos(ContainerInfo.MesosInfo.newBuilder().setImage(Image.newBuilder().setType(Image.Type.DOCKER)
                .setDocker(Image.Docker.newBuilder().setName(" "))))).build();

    assertThatThrownBy(() -> OciImages.imageName(none)).isInstanceOf(ContainerLaunchException.class)
        .hasMessage("Task 't1' names no image (ContainerInfo.mesos.image is not set); the oci runtime needs one");
    assertThatThrownBy(() -> OciImages.imageName(nameless)).isInstanceOf(ContainerLaunchException.class)
        .hasMessage("Task 't2' has a DOCKER image without a name (image.docker.name)");
  }
}
