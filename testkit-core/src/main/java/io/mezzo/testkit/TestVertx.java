package io.mezzo.testkit;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that makes the test's Vert.x instances strict ({@link StrictVertx}): an
 * exception thrown on one of their threads, or one of their threads blocked past Vert.x's limit,
 * fails the test after it ran, with the stack.
 *
 * <pre>{@code
 * @RegisterExtension final TestVertx vertxes = new TestVertx();
 * private final Vertx vertx = vertxes.vertx();   // declared after the extension
 * }</pre>
 *
 * <p>Registered on an instance field (the usual case), it closes every Vert.x it made after each
 * test, then checks them. Registered on a static field, or in a {@code PER_CLASS} test, it checks
 * after each test and closes after all of them, for a Vert.x shared by the class.
 */
public final class TestVertx implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
  private final List<StrictVertx> instances = new ArrayList<>();
  private StrictVertx first;
  private boolean perClass;

  /** The test's Vert.x: made on first use, the same one after that. */
  public synchronized Vertx vertx() {
    if (first == null) {
      first = add(StrictVertx.start());
    }
    return first.vertx();
  }

  /** One more Vert.x (as {@link StrictVertx#start()}), e.g. for a second node or a restart; closed with the others. */
  public synchronized Vertx create() {
    return add(StrictVertx.start()).vertx();
  }

  /** One more Vert.x with {@code options}; keep their blocked-thread limits at the defaults. */
  public synchronized Vertx create(VertxOptions options) {
    return add(StrictVertx.start(options)).vertx();
  }

  private StrictVertx add(StrictVertx strict) {
    instances.add(strict);
    return strict;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    perClass = true;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (perClass) {
      check();
    } else {
      closeAll();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    closeAll();
  }

  private synchronized void check() {
    AssertionError error = null;
    for (StrictVertx strict : instances) {
      try {
        strict.assertNoFailures();
      } catch (AssertionError e) {
        error = merge(error, e);
      }
    }
    if (error != null) {
      throw error;
    }
  }

  /** Closes every instance (even when one fails), then fails with what any of them saw. */
  private synchronized void closeAll() {
    AssertionError error = null;
    for (StrictVertx strict : instances) {
      try {
        strict.close();
      } catch (AssertionError e) {
        error = merge(error, e);
      }
    }
    instances.clear();
    first = null;
    if (error != null) {
      throw error;
    }
  }

  private static AssertionError merge(AssertionError first, AssertionError next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }
}
