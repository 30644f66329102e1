package io.mezzo.master.api;

import io.mezzo.master.state.CallRejected;
import io.mezzo.master.state.Timers;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.LoggerFactory;

/**
 * GET_LOGGING_LEVEL and SET_LOGGING_LEVEL on the Logback level of the {@code io.mezzo} loggers.
 * Mesos speaks of a glog verbosity level; Mezzo maps it: 0 is INFO, 1 is DEBUG, 2 and above is
 * TRACE, and a logger at INFO or less verbose (WARN, ERROR) reads as 0. A level set reverts to
 * the one in force before it after the given duration; a new SET replaces the pending revert and
 * keeps the original level to return to, as Mesos does. Used on the master's context only.
 */
public final class LoggingLevels {
  private static final String LOGGER = "io.mezzo";
  private static final org.slf4j.Logger log = LoggerFactory.getLogger(LoggingLevels.class);

  private final Timers timers;
  private final boolean logback;
  private Object original;
  private long revertTimer = -1;

  /** @param timers where the revert runs (the master's context) */
  public LoggingLevels(Timers timers) {
    this.timers = Objects.requireNonNull(timers, "timers");
    this.logback = "ch.qos.logback.classic.LoggerContext".equals(LoggerFactory.getILoggerFactory().getClass().getName());
  }

  /** The glog-style verbosity of the {@code io.mezzo} loggers now. */
  public int level() {
    if (!logback) {
      return 0;
    }
    return Logback.verbosity(LOGGER);
  }

  /**
   * Sets the verbosity for {@code duration}, then reverts.
   *
   * @throws CallRejected 400 for a duration that is not positive, 501 when the logging backend is not Logback
   */
  public void set(int level, Duration duration) {
    if (duration.isNegative() || duration.isZero()) {
      throw new CallRejected(400, "Expecting 'set_logging_level.duration' to be positive, got " + duration);
    }
    if (!logback) {
      throw new CallRejected(501, "Changing the logging level needs the Logback backend; this master runs "
          + LoggerFactory.getILoggerFactory().getClass().getName());
    }
    if (revertTimer >= 0) {
      timers.cancel(revertTimer);
    } else {
      original = Logback.level(LOGGER);
    }
    Logback.setVerbosity(LOGGER, level);
    log.info("Logging level of {} set to verbosity {} for {}", LOGGER, level, duration);
    revertTimer = timers.schedule(duration, this::revert);
  }

  private void revert() {
    revertTimer = -1;
    Logback.restore(LOGGER, original);
    log.info("Logging level of {} reverted", LOGGER);
  }

  /** Touches Logback's classes only when Logback is the backend (it is an optional dependency). */
  private static final class Logback {
    static ch.qos.logback.classic.Logger logger(String name) {
      return (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(name);
    }

    static int verbosity(String name) {
      ch.qos.logback.classic.Level level = logger(name).getEffectiveLevel();
      if (level.toInt() <= ch.qos.logback.classic.Level.TRACE_INT) {
        return 2;
      }
      return level.toInt() <= ch.qos.logback.classic.Level.DEBUG_INT ? 1 : 0;
    }

    static Object level(String name) {
      return logger(name).getLevel();
    }

    static void setVerbosity(String name, int verbosity) {
      logger(name).setLevel(verbosity <= 0 ? ch.qos.logback.classic.Level.INFO
          : verbosity == 1 ? ch.qos.logback.classic.Level.DEBUG : ch.qos.logback.classic.Level.TRACE);
    }

    static void restore(String name, Object level) {
      logger(name).setLevel((ch.qos.logback.classic.Level) level);
    }
  }
}
