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
public final class ProcessGroup {
  private static final Logger log = LoggerFactory.getLogger(ProcessGroup.class);
  private static final String KILL = Files.isExecutable(Path.of("/bin/kill")) ? "/bin/kill" : "kill";

  private ProcessGroup() {}

  /** Sends {@code signal} ("TERM", "KILL") to every process in group {@code pgid}; false when none was left. */
  public static boolean signal(long pgid, String signal) {
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
   * The process's start time (clock ticks after boot, field 22 of /proc/PID/stat), which with
   * the pid names one process for good; empty when it is gone or a zombie.
   */
  static OptionalLong startTime(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      if (fields[0].equals("Z") || fields[0].equals("X")) {
        return OptionalLong.empty();
      }
      return OptionalLong.of(Long.parseLong(fields[19]));
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /** Whether the process that had {@code startTime} is still alive (not reaped, not a zombie). */
  static boolean alive(long pid, long startTime) {
    OptionalLong now = startTime(pid);
    return now.isPresent() && now.getAsLong() == startTime;
  }

  /** Waits until process {@code pid} leads its own process group; false when it did not within {@code max}. */
  static boolean awaitLeader(long pid, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      OptionalLong group = groupOf(pid);
      if (group.isEmpty()) {
        return false;
      }
      if (group.getAsLong() == pid) {
        return true;
      }
      LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
    }
    return false;
  }
}
