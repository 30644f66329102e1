package io.mezzo.agent.fetcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Opens the local files a fetch copies, with the rights of the user the task runs as. The agent
 * often runs as root and its tasks as other users; copying a local file with the agent's rights
 * would hand a task (and, through {@code /files}, its framework) any file of the machine, the
 * agent's executor key and the cluster's credentials included, whatever {@code run_tasks} lets
 * that framework run as. Mesos's fetcher runs as the task's user for the same reason.
 */
@FunctionalInterface
public interface LocalFiles {
  /** With the agent's own rights: for tasks that run as the agent's user. */
  LocalFiles AGENT = Files::newInputStream;

  /**
   * Opens {@code file} for reading.
   *
   * @throws AccessDeniedException when the task's user may not read it
   */
  InputStream open(Path file) throws IOException;

  /**
   * Reads as another user: {@code cat} run behind {@code switchUser} (an argv prefix that execs
   * the rest as that user, such as {@code setpriv --reuid=… --regid=… --init-groups --}), so the
   * kernel checks that user's rights on the file and on every directory above it, at the moment
   * of reading (no check-then-use gap).
   */
  static LocalFiles as(String user, List<String> switchUser) {
    return file -> {
      List<String> argv = new ArrayList<>(switchUser);
      argv.addAll(List.of("/bin/cat", "--", file.toString()));
      Process process = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectError(ProcessBuilder.Redirect.PIPE).start();
      process.getOutputStream().close();
      return new InputStream() {
        private final InputStream out = process.getInputStream();

        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
          int n = out.read(buffer, offset, length);
          if (n < 0) {
            finish();
          }
          return n;
        }

        private void finish() throws IOException {
          try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
              process.destroyForcibly();
              throw new IOException("reading " + file + " as user '" + user + "' did not end");
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new java.io.InterruptedIOException("interrupted reading " + file);
          }
          if (process.exitValue() != 0) {
            String why = new String(process.getErrorStream().readNBytes(4096), StandardCharsets.UTF_8).strip();
            throw new AccessDeniedException(file.toString(), null, "user '" + user + "' cannot read it ("
                + why + ")");
          }
        }

        @Override
        public void close() throws IOException {
          out.close();
          process.destroy();
        }
      };
    };
  }
}
