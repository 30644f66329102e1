package io.mezzo.examples.batch;

/**
 * How a batch ended: counts of tasks that finished and that ended any other way, or the
 * error the master sent.
 *
 * @param error the master's ERROR message, or null
 */
public record BatchResult(int finished, int failed, String error) {

  /** True when every task finished and the master reported no error. */
  public boolean succeeded() {
    return failed == 0 && error == null;
  }
}
