package io.mezzo.agent.runtime.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import io.mezzo.agent.spi.ContainerLaunchException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Copies a container's multiplexed log stream into the sandbox's stdout and stderr files. */
final class SandboxLogCopy extends ResultCallback.Adapter<Frame> {
  private static final Logger log = LoggerFactory.getLogger(SandboxLogCopy.class);

  private final OutputStream stdout;
  private final OutputStream stderr;

  /** @throws ContainerLaunchException when the sandbox's files cannot be opened for appending */
  SandboxLogCopy(Path sandbox) {
    try {
      this.stdout = new FileOutputStream(sandbox.resolve("stdout").toFile(), true);
      this.stderr = new FileOutputStream(sandbox.resolve("stderr").toFile(), true);
    } catch (IOException e) {
      throw new ContainerLaunchException("Cannot open the sandbox's stdout/stderr: " + e.getMessage(), e);
    }
  }

  @Override
  public void onNext(Frame frame) {
    try {
      OutputStream out = frame.getStreamType() == StreamType.STDERR ? stderr : stdout;
      out.write(frame.getPayload());
      out.flush();
    } catch (IOException e) {
      log.warn("Could not write container output to the sandbox: {}", e.toString());
    }
  }

  void closeQuietly() {
    try {
      stdout.close();
      stderr.close();
    } catch (IOException e) {
      log.debug("Closing sandbox log files failed: {}", e.toString());
    }
  }
}
