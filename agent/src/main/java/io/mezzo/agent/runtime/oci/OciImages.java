package io.mezzo.agent.runtime.oci;

import io.mezzo.agent.support.FileTrees;
import io.mezzo.agent.runtime.docker.DockerEngine;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import io.mezzo.agent.spi.ContainerLaunchException;
import io.mezzo.v1.Protos.ContainerInfo;
import io.mezzo.v1.Protos.Image;
import io.mezzo.v1.Protos.TaskInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a task's {@code ContainerInfo.mesos.image} (type DOCKER, {@code docker.name}) into a
 * root filesystem directory for the {@code oci} runtime. The name is one of:
 *
 * <ul>
 *   <li>an absolute path to a directory: used as it is (never copied or changed by Mezzo);
 *   <li>an absolute path to a {@code .tar}, {@code .tar.gz} or {@code .tgz} rootfs tarball:
 *       extracted once with the system {@code tar}, cached under a key made of the sha256 of
 *       its path, size and modification time (a changed file is extracted again);
 *   <li>a Docker image present in the local engine: its filesystem is exported (a container is
 *       created from it, never started, exported and removed) and extracted once, cached under
 *       its image id. Nothing is pulled: no registry is consulted. The name's image id is asked
 *       of the engine at most every {@link RecentImageIds#REUSE} (see {@link RecentImageIds}).
 * </ul>
 *
 * <p>Cached filesystems live in {@code <cache>/<key>/rootfs}; each is extracted into a temporary
 * directory next to it and renamed into place, so a half-extracted image is never used.
 * Concurrent launches of the same image extract it once (a lock per key). Every method blocks.
 */
public final class OciImages implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OciImages.class);
  private static final List<String> TARBALL_SUFFIXES = List.of(".tar", ".tar.gz", ".tgz");
  private static final long TAR_TIMEOUT_MINUTES = 30;

  private final Path cache;
  private final DockerClient docker;
  private final ConcurrentMap<String, Object> locks = new ConcurrentHashMap<>();
  private final RecentImageIds imageIds;

  /**
   * Images cached under {@code cache}, Docker images exported through {@code docker} (reached only
   * when a task names a Docker image: rootfs directories and tarballs need no engine).
   */
  public OciImages(Path cache, DockerClient docker) {
    this.cache = Objects.requireNonNull(cache, "cache").toAbsolutePath().normalize();
    this.docker = Objects.requireNonNull(docker, "docker");
    this.imageIds = new RecentImageIds(name -> docker.inspectImageCmd(name).exec().getId(), Clock.systemUTC(),
        RecentImageIds.REUSE);
  }

  /** The cache directory. */
  public Path cache() {
    return cache;
  }

  /**
   * The root filesystem of the task's image, extracted into the cache first when needed.
   *
   * @throws ContainerLaunchException naming the image when it is missing, of an unsupported
   *     type, or cannot be extracted
   */
  public Path rootfs(TaskInfo task) {
    String name = imageName(task);
    if (name.startsWith("/")) {
      Path path = Path.of(name).normalize();
      if (Files.isDirectory(path)) {
        return path;
      }
      if (Files.isRegularFile(path) && TARBALL_SUFFIXES.stream().anyMatch(name::endsWith)) {
        return cached("tar-" + tarballKey(path), "tarball " + path, dir -> extractFile(path, dir));
      }
      throw new ContainerLaunchException(Files.exists(path)
          ? "Image '" + name + "' is neither a directory nor a .tar, .tar.gz or .tgz rootfs tarball"
          : "Image '" + name + "' does not exist (an absolute image name is a rootfs directory or tarball on the agent)");
    }
    return dockerRootfs(name);
  }

  /** The image name of a task's MESOS container with a DOCKER image, or a clear error. */
  static String imageName(TaskInfo task) {
    String taskId = task.getTaskId().getValue();
    ContainerInfo container = task.getContainer();
    if (!container.hasMesos() || !container.getMesos().hasImage()) {
      throw new ContainerLaunchException("Task '" + taskId + "' names no image (ContainerInfo.mesos.image is not set); "
          + "the oci runtime needs one");
    }
    Image image = container.getMesos().getImage();
    if (image.getType() != Image.Type.DOCKER) {
      throw new ContainerLaunchException("Task '" + taskId + "' has an image of type " + image.getType()
          + "; the oci runtime supports only DOCKER images (a local Docker image, a rootfs directory or tarball)");
    }
    String name = image.getDocker().getName().trim();
    if (name.isEmpty()) {
      throw new ContainerLaunchException("Task '" + taskId + "' has a DOCKER image without a name (image.docker.name)");
    }
    return name;
  }

  private Path dockerRootfs(String name) {
    String imageId;
    try {
      imageId = imageIds.idOf(name);
    } catch (NotFoundException e) {
      throw new ContainerLaunchException("Image '" + name + "' is not available in the local Docker engine "
          + "(the oci runtime does not pull images; load or pull it on the agent first)", e);
    } catch (RuntimeException e) {
      // Not only DockerException: an engine that does not answer fails the transport itself.
      throw new ContainerLaunchException("Cannot inspect image '" + name + "' in the Docker engine ("
          + DockerEngine.engineMessage(e) + "); a rootfs directory or tarball named by its absolute path needs no engine",
          e);
    }
    String key = "docker-" + imageId.replace("sha256:", "");
    try {
      return cached(key, "Docker image '" + name + "'", dir -> exportDockerImage(name, imageId, dir));
    } catch (ContainerLaunchException e) {
      imageIds.forget(name); // the image may have gone from the engine: ask again next time
      throw e;
    }
  }

  private interface Extraction {
    void into(Path rootfs) throws IOException;
  }

  private Path cached(String key, String what, Extraction extraction) {
    Path entry = cache.resolve(key);
    Path rootfs = entry.resolve("rootfs");
    if (Files.isDirectory(rootfs)) {
      return rootfs;
    }
    synchronized (locks.computeIfAbsent(key, k -> new Object())) {
      if (Files.isDirectory(rootfs)) {
        return rootfs;
      }
      Path temp = cache.resolve(".tmp-" + key + "-" + UUID.randomUUID());
      long started = System.nanoTime();
      try {
        Files.createDirectories(temp.resolve("rootfs"));
        extraction.into(temp.resolve("rootfs"));
        try {
          Files.move(temp, entry, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
          // Another agent on this work dir won the race (the target exists, full): its copy is as good.
          if (!Files.isDirectory(rootfs)) {
            throw e;
          }
        }
        log.info("Extracted {} into {} in {} ms", what, rootfs, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return rootfs;
      } catch (IOException e) {
        throw new ContainerLaunchException("Cannot extract " + what + " into " + cache + ": " + e.getMessage(), e);
      } finally {
        FileTrees.deleteQuietly(temp);
      }
    }
  }

  private static String tarballKey(Path path) {
    try {
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update((path + "\0" + attributes.size() + "\0" + attributes.lastModifiedTime().toMillis())
          .getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest());
    } catch (IOException e) {
      throw new ContainerLaunchException("Cannot read image tarball " + path + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private void exportDockerImage(String name, String imageId, Path rootfs) throws IOException {
    String containerId;
    try (CreateContainerCmd create = docker.createContainerCmd(imageId)
        .withName("mezzo-export-" + UUID.randomUUID())
        // Never started: a command only so that images without one can be created.
        .withCmd("true")) {
      containerId = create.exec().getId();
    } catch (DockerException e) {
      throw new IOException("cannot create a container from image '" + name + "' to export it: " + e.getMessage(), e);
    }
    // The archive of "/" is the container's whole filesystem (never started: nothing mounted).
    try (InputStream tar = docker.copyArchiveFromContainerCmd(containerId, "/").exec()) {
      extract(tar, rootfs);
    } catch (DockerException e) {
      throw new IOException("cannot export the filesystem of image '" + name + "': " + e.getMessage(), e);
    } finally {
      try {
        docker.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
      } catch (DockerException e) {
        log.warn("Cannot remove the export container {} of image '{}': {}", containerId, name, e.getMessage());
      }
    }
  }

  private static void extractFile(Path tarball, Path rootfs) throws IOException {
    runTar(List.of("tar", "-x", "--numeric-owner", "-f", tarball.toString(), "-C", rootfs.toString()), null);
  }

  /** The engine names entries from "/"; tar strips the leading slash, so they land under {@code rootfs}. */
  private static void extract(InputStream tar, Path rootfs) throws IOException {
    runTar(List.of("tar", "-x", "--numeric-owner", "-f", "-", "-C", rootfs.toString()), tar);
  }

  /** Runs the system tar (which detects gzip by itself), feeding it {@code input} when given. */
  private static void runTar(List<String> command, InputStream input) throws IOException {
    Path errors = Files.createTempFile("mezzo-tar", ".err");
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(errors.toFile());
      if (input == null) {
        builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      }
      Process tar = builder.start();
      if (input != null) {
        try (OutputStream stdin = tar.getOutputStream()) {
          input.transferTo(stdin);
        } catch (IOException e) {
          tar.destroyForcibly();
          throw e;
        }
      }
      if (!tar.waitFor(TAR_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        tar.destroyForcibly();
        throw new IOException("tar took longer than " + TAR_TIMEOUT_MINUTES + " minutes");
      }
      if (tar.exitValue() != 0) {
        throw new IOException("tar exited with status " + tar.exitValue() + ": "
            + Files.readString(errors, StandardCharsets.UTF_8).trim());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while extracting", e);
    } finally {
      Files.deleteIfExists(errors);
    }
  }


  /** Closes the Docker client. Idempotent. */
  @Override
  public void close() {
    try {
      docker.close();
    } catch (IOException e) {
      log.debug("Closing the Docker client failed: {}", e.toString());
    }
  }
}
