package io.mezzo.cli.framework;

import io.mezzo.cli.framework.CommandTasks.Outcome;
import io.mezzo.sdk.SchedulerClient;
import io.mezzo.v1.Protos.FrameworkID;
import io.mezzo.v1.Protos.FrameworkInfo;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One run of a CLI framework with the SDK: subscribes it, waits for its {@link CommandTasks},
 * tears it down, stops the client. What goes wrong on the way out is said on {@code err}
 * (with the command's prefix) rather than thrown, so the command's exit code stays the tasks'.
 */
public final class FrameworkRun implements AutoCloseable {
  private static final long STOP_WAIT_SECONDS = 10;

  private final SchedulerClient client;
  private final CommandTasks tasks;
  private final PrintWriter err;
  private final String prefix;

  private FrameworkRun(SchedulerClient client, CommandTasks tasks, PrintWriter err, String prefix) {
    this.client = client;
    this.tasks = tasks;
    this.err = err;
    this.prefix = prefix;
  }

  /**
   * Builds the client and starts subscribing.
   *
   * @param master a {@code zk://} or {@code http://} master URL
   * @param prefix what starts each line this writes on {@code err}, e.g. {@code "mezzo: "}
   * @throws IllegalArgumentException when the master URL is invalid
   */
  public static FrameworkRun start(String master, FrameworkInfo framework, CommandTasks tasks, PrintWriter err,
      String prefix) {
    return start(master, java.util.Optional.empty(), framework, tasks, err, prefix);
  }

  /** As above, authenticating with {@code credential} when given. */
  public static FrameworkRun start(String master, java.util.Optional<io.mezzo.sdk.Credential> credential,
      FrameworkInfo framework, CommandTasks tasks, PrintWriter err, String prefix) {
    return start(master, credential, java.util.Optional.empty(), framework, tasks, err, prefix);
  }

  /** As above, speaking HTTPS to the master with {@code tls} when given. */
  public static FrameworkRun start(String master, java.util.Optional<io.mezzo.sdk.Credential> credential,
      java.util.Optional<javax.net.ssl.SSLContext> tls, FrameworkInfo framework, CommandTasks tasks, PrintWriter err,
      String prefix) {
    SchedulerClient.Builder builder = SchedulerClient.builder().master(master).frameworkInfo(framework).scheduler(tasks)
        .credential(credential.orElse(null));
    tls.ifPresent(builder::sslContext);
    SchedulerClient client = builder.build();
    client.start();
    return new FrameworkRun(client, tasks, err, prefix);
  }

  /** How the tasks ended, or empty when they have not within {@code timeout}. */
  public Optional<Outcome> await(Duration timeout) throws InterruptedException {
    try {
      return Optional.of(tasks.outcome().get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (ExecutionException e) {
      throw new IllegalStateException("The outcome of the tasks never fails", e);
    }
  }

  /** True while subscribed to a master. */
  public boolean subscribed() {
    return client.isSubscribed();
  }

  public Optional<FrameworkID> frameworkId() {
    return client.frameworkId();
  }

  /** Tears the framework down: the master kills what still runs and forgets it. */
  public void teardown() throws InterruptedException {
    try {
      client.teardown().get(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      say("Could not tear the framework down: " + (e.getCause() == null ? e : e.getCause()));
    }
  }

  /** Stops the client (not the framework: see {@link #teardown()}). */
  @Override
  public void close() {
    try {
      client.close().get(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      say("The scheduler client did not stop cleanly: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void say(String line) {
    err.println(prefix + line);
    err.flush();
  }
}
