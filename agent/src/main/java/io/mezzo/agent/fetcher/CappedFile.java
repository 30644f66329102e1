package io.mezzo.agent.fetcher;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/** An HTTP body written to a file, refused (and the download cancelled) past a number of bytes. */
final class CappedFile implements HttpResponse.BodySubscriber<Long> {
  private final Path file;
  private final long maxBytes;
  private final long declaredTooLarge;
  private final CompletableFuture<Long> result = new CompletableFuture<>();
  private Flow.Subscription subscription;
  private FileChannel channel;
  private long written;
  private boolean done;

  /** @param declaredTooLarge the Content-Length when it is already over the cap, else -1 */
  CappedFile(Path file, long maxBytes, long declaredTooLarge) {
    this.file = file;
    this.maxBytes = maxBytes;
    this.declaredTooLarge = declaredTooLarge;
  }

  @Override
  public CompletionStage<Long> getBody() {
    return result;
  }

  @Override
  public synchronized void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    if (done) {
      subscription.cancel();
      return;
    }
    if (declaredTooLarge >= 0) {
      fail(new TooLarge(declaredTooLarge + " bytes is more than the limit of " + maxBytes + " bytes"));
      return;
    }
    try {
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    } catch (IOException e) {
      fail(e);
      return;
    }
    subscription.request(1);
  }

  @Override
  public synchronized void onNext(List<ByteBuffer> buffers) {
    if (done) {
      return;
    }
    try {
      for (ByteBuffer buffer : buffers) {
        written += buffer.remaining();
        if (written > maxBytes) {
          fail(new TooLarge("more than the limit of " + maxBytes + " bytes"));
          return;
        }
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
      }
    } catch (IOException e) {
      fail(e);
      return;
    }
    subscription.request(1);
  }

  @Override
  public synchronized void onError(Throwable error) {
    if (!done) {
      done = true;
      close();
      result.completeExceptionally(error);
    }
  }

  @Override
  public synchronized void onComplete() {
    if (!done) {
      done = true;
      close();
      result.complete(written);
    }
  }

  /** Stops writing (the fetch gave up or ended); idempotent. */
  synchronized void abort() {
    if (!done) {
      fail(new IOException("aborted"));
    }
  }

  private void fail(Throwable error) {
    done = true;
    if (subscription != null) {
      subscription.cancel();
    }
    close();
    result.completeExceptionally(error);
  }

  private void close() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // the partial file is deleted anyway
      }
    }
  }

  /** The body is over the size cap. */
  static final class TooLarge extends IOException {
    TooLarge(String message) {
      super(message);
    }
  }
}
