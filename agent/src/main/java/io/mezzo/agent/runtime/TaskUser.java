package io.mezzo.agent.runtime;

import io.mezzo.agent.spi.ContainerLaunchException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The user a task runs as when the agent runs as root: looked up through {@code id(1)} (so NSS
 * users count, not only /etc/passwd), switched to with {@code setpriv} from util-linux. Blocks.
 */
record TaskUser(String name, long uid, long gid) {
  static final Path SETPRIV = Path.of("/usr/bin/setpriv");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*\\$?");

  /** True when this agent process runs as root (effective uid 0, from /proc/self/status). */
  static boolean agentIsRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("Uid:")) {
          String[] ids = line.substring(4).trim().split("\\s+");
          return ids.length > 1 && ids[1].equals("0");
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  /**
   * The user to switch to for {@code name}, or empty when there is nothing to switch (no
   * name, root, or an agent that is not root and so runs tasks as itself).
   *
   * @throws ContainerLaunchException when the user does not exist or setpriv is missing
   */
  static Optional<TaskUser> resolve(String name, boolean agentIsRoot) {
    if (!agentIsRoot || name == null || name.isBlank() || name.equals("root")) {
      return Optional.empty();
    }
    if (!NAME.matcher(name).matches()) {
      throw new ContainerLaunchException("Cannot run the task as user '" + name + "': not a valid user name");
    }
    Optional<String> uid = id("-u", name);
    Optional<String> gid = id("-g", name);
    if (uid.isEmpty() || gid.isEmpty()) {
      throw new ContainerLaunchException("Cannot run the task as user '" + name + "': no such user on this agent");
    }
    if (!Files.isExecutable(SETPRIV)) {
      throw new ContainerLaunchException("Cannot run the task as user '" + name + "': " + SETPRIV + " (util-linux) is missing");
    }
    long u = Long.parseLong(uid.get());
    return u == 0 ? Optional.empty() : Optional.of(new TaskUser(name, u, Long.parseLong(gid.get())));
  }

  /** The argv prefix that execs the rest as this user, with its supplementary groups. */
  List<String> prefix() {
    return List.of(SETPRIV.toString(), "--reuid=" + uid, "--regid=" + gid, "--init-groups", "--");
  }

  /** Gives the sandbox (and what is in it) to this user. */
  void own(Path sandbox) {
    try (Stream<Path> paths = Files.walk(sandbox)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        Files.setAttribute(path, "unix:uid", (int) uid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", (int) gid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
      }
    } catch (IOException | RuntimeException e) {
      throw new ContainerLaunchException("Cannot give the sandbox " + sandbox + " to user '" + name + "': " + e.getMessage(), e);
    }
  }

  private static Optional<String> id(String flag, String name) {
    try {
      Process id = new ProcessBuilder("id", flag, "--", name)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      String out = new String(id.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      if (!id.waitFor(10, TimeUnit.SECONDS)) {
        id.destroyForcibly();
        return Optional.empty();
      }
      return id.exitValue() == 0 && out.matches("\\d+") ? Optional.of(out) : Optional.empty();
    } catch (IOException e) {
      throw new ContainerLaunchException("Cannot look up user '" + name + "': " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ContainerLaunchException("Interrupted while looking up user '" + name + "'", e);
    }
  }
}
