package io.mezzo.agent.sandbox;

import io.mezzo.agent.support.Timers;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the {@code stdout} and {@code stderr} files of live sandboxes and keeps a few rotated
 * ones, the way logrotate's {@code copytruncate} does (and Mesos's logrotate container logger
 * with it): every {@code interval}, a file larger than {@code maxSize} has its older copies
 * shifted ({@code stdout.1} → {@code stdout.2} …, the one beyond {@code maxFiles} deleted), is
 * copied to {@code stdout.1} and is then truncated to zero. The newest output is therefore in
 * {@code stdout}, then {@code stdout.1}, then {@code stdout.2}.
 *
 * <p>The writers are the tasks' own processes (or the Docker runtime's log copy), which open
 * these files with {@code O_APPEND}, so after the truncation they go on writing at the start of
 * the file, without a hole. Nothing goes through the agent, so rotation goes on for tasks that
 * outlive an agent restart as soon as the next agent knows their sandboxes.
 *
 * <p>Limits, as with logrotate's {@code copytruncate}:
 * <ul>
 *   <li>the size is checked once per interval, so {@code stdout} can exceed {@code maxSize} by
 *       what the task writes in one interval, and {@code stdout.1} holds all of it;
 *   <li>bytes written between the end of the copy and the truncation are lost.
 * </ul>
 *
 * <p>Each round asks {@code sandboxes} for the live sandbox directories on the thread the timer
 * action runs on (give it timers that run on the owner's context), then does the file work in
 * an ordered {@code executeBlocking} on {@code context}. The next round is scheduled when one
 * has finished, so rounds never overlap. A file that cannot be rotated is logged and skipped;
 * nothing is thrown out of a round. {@link #start()} runs once; {@link #close()} is idempotent.
 */
public final class LogRotator {
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
  /** The files rotated in each sandbox. */
  public static final List<String> FILES = List.of("stdout", "stderr");
  private static final Logger log = LoggerFactory.getLogger(LogRotator.class);

  private final Context context;
  private final Timers timers;
  private final Supplier<? extends Iterable<Path>> sandboxes;
  private final long maxSize;
  private final int maxFiles;
  private final Duration interval;
  private final AtomicLong rounds = new AtomicLong();
  private boolean started;
  private boolean closed;
  private Timers.Timer timer;
  private Future<Void> inFlight = Future.succeededFuture();

  /**
   * @param context where the file work runs ({@code executeBlocking}, ordered)
   * @param timers when rounds run
   * @param sandboxes the sandbox directories of live tasks and executors, asked once per round
   * @param maxSize a file larger than this many bytes is rotated; positive
   * @param maxFiles how many rotated files ({@code stdout.1} … {@code stdout.N}) are kept; at least 1
   * @param interval how often the sizes are checked; positive
   */
  public LogRotator(
      Context context,
      Timers timers,
      Supplier<? extends Iterable<Path>> sandboxes,
      long maxSize,
      int maxFiles,
      Duration interval) {
    this.context = Objects.requireNonNull(context, "context");
    this.timers = Objects.requireNonNull(timers, "timers");
    this.sandboxes = Objects.requireNonNull(sandboxes, "sandboxes");
    this.interval = Objects.requireNonNull(interval, "interval");
    if (maxSize <= 0) {
      throw new IllegalArgumentException("The log size cap must be positive, not " + maxSize);
    }
    if (maxFiles < 1) {
      throw new IllegalArgumentException("At least one rotated log file must be kept, not " + maxFiles);
    }
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("The log rotation interval must be positive, not " + interval);
    }
    this.maxSize = maxSize;
    this.maxFiles = maxFiles;
  }

  /** Schedules the first round one interval from now. */
  public synchronized void start() {
    if (started) {
      throw new IllegalStateException("The log rotator was already started");
    }
    started = true;
    scheduleNext();
  }

  /** Stops scheduling rounds; completes when a round in progress has finished. Idempotent. */
  public synchronized Future<Void> close() {
    closed = true;
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
    return inFlight;
  }

  /** How many rounds have finished; for tests. */
  long rounds() {
    return rounds.get();
  }

  private synchronized void scheduleNext() {
    if (!closed) {
      timer = timers.schedule(interval, this::round);
    }
  }

  private void round() {
    List<Path> dirs;
    synchronized (this) {
      timer = null;
      if (closed) {
        return;
      }
      try {
        dirs = copyOf(sandboxes.get());
      } catch (RuntimeException e) {
        log.warn("Cannot list the live sandboxes to rotate their logs: {}", e.toString());
        dirs = List.of();
      }
      List<Path> work = dirs;
      inFlight = context.<Void>executeBlocking(() -> {
        rotateAll(work);
        return null;
      }, true).recover(e -> {
        log.warn("Log rotation round failed: {}", e.toString());
        return Future.succeededFuture();
      }).onComplete(done -> {
        rounds.incrementAndGet();
        scheduleNext();
      });
    }
  }

  private void rotateAll(List<Path> dirs) {
    for (Path dir : dirs) {
      for (String name : FILES) {
        Path file = dir.resolve(name);
        try {
          if (rotate(file, maxSize, maxFiles)) {
            log.debug("Rotated {} (over {} bytes)", file, maxSize);
          }
        } catch (IOException | RuntimeException e) {
          log.warn("Cannot rotate {}: {}", file, e.toString());
        }
      }
    }
  }

  /**
   * Rotates {@code file} if it is a regular file larger than {@code maxSize} bytes; blocking.
   * Links are never followed, so that a task cannot make the agent copy or truncate a file
   * outside its sandbox.
   *
   * @return whether the file was rotated ({@code false} when it is missing or small enough)
   */
  static boolean rotate(Path file, long maxSize, int maxFiles) throws IOException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) <= maxSize) {
      return false;
    }
    try (FileChannel source = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS)) {
      if (source.size() <= maxSize) {
        return false;
      }
      for (int n = maxFiles; Files.exists(numbered(file, n), LinkOption.NOFOLLOW_LINKS); n++) {
        // The oldest, and any left from a larger maxFiles before.
        Files.delete(numbered(file, n));
      }
      for (int n = maxFiles - 1; n >= 1; n--) {
        Path older = numbered(file, n);
        if (Files.exists(older, LinkOption.NOFOLLOW_LINKS)) {
          Files.move(older, numbered(file, n + 1), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      try (FileChannel copy = FileChannel.open(numbered(file, 1), StandardOpenOption.WRITE,
          StandardOpenOption.CREATE_NEW, LinkOption.NOFOLLOW_LINKS)) {
        long position = 0;
        for (long size; position < (size = source.size()); ) {
          long copied = source.transferTo(position, size - position, copy);
          if (copied <= 0) {
            break;
          }
          position += copied;
        }
      }
      // What is written between the end of the copy and here is lost (copytruncate).
      source.truncate(0);
    } catch (NoSuchFileException e) {
      return false;
    }
    return true;
  }

  /** {@code stdout.3} for {@code stdout} and 3. */
  static Path numbered(Path file, int n) {
    return file.resolveSibling(file.getFileName() + "." + n);
  }

  private static List<Path> copyOf(Iterable<Path> paths) {
    List<Path> list = new java.util.ArrayList<>();
    if (paths != null) {
      paths.forEach(list::add);
    }
    return list;
  }
}
