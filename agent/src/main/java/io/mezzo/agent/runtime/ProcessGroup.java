package io.mezzo.agent.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Signals to whole process groups, through kill(1), and a look at /proc. Every method blocks. */
final class ProcessGroup {
  private static final Logger log = LoggerFactory.getLogger(ProcessGroup.class);
  private static final String KILL = Files.isExecutable(Path.of("/bin/kill")) ? "/bin/kill" : "kill";

  private ProcessGroup() {}

  /** Sends {@code signal} ("TERM", "KILL") to every process in group {@code pgid}; false when none was left. */
  static boolean signal(long pgid, String signal) {
    if (pgid <= 1) {
      throw new IllegalArgumentException("Refusing to signal process group " + pgid);
    }
    try {
      Process kill = new ProcessBuilder(KILL, "-s", signal, "--", "-" + pgid)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      if (!kill.waitFor(10, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
        log.warn("kill -s {} -{} did not finish in 10 s", signal, pgid);
        return false;
      }
      return kill.exitValue() == 0;
    } catch (IOException e) {
      log.warn("Cannot run {} to send SIG{} to process group {}: {}", KILL, signal, pgid, e.getMessage());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The process group of {@code pid} from /proc, or empty when the process is gone or /proc is unreadable. */
  static OptionalLong groupOf(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
      // pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses, so split after the last ')'.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return OptionalLong.of(Long.parseLong(fields[2]));
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * Waits until {@code process} leads its own process group (setsid has run and exec'd), so
   * that a kill of the group reaches it. False when it did not within {@code max} or exited.
   */
  static boolean awaitLeader(Process process, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (process.isAlive()) {
      OptionalLong group = groupOf(process.pid());
      if (group.isPresent() && group.getAsLong() == process.pid()) {
        return true;
      }
      if (group.isEmpty() && !Files.isDirectory(Path.of("/proc/self"))) {
        return false;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
    }
    return false;
  }
}
