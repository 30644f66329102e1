package io.mezzo.agent.fetcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.mezzo.v1.Protos.CommandInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FetcherTest {
  @TempDir
  Path dir;

  private Path sandbox;
  private Path outside;
  private HttpServer server;
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void start() throws IOException {
    sandbox = Files.createDirectories(dir.resolve("work/sandbox"));
    outside = dir.resolve("work");
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/files/", exchange -> {
      Path file = dir.resolve("served").resolve(exchange.getRequestURI().getPath().substring("/files/".length()));
      if (!Files.isRegularFile(file)) {
        exchange.sendResponseHeaders(404, -1);
      } else {
        byte[] body = Files.readAllBytes(file);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
      exchange.close();
    });
    server.createContext("/slow", exchange -> {
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.createContext("/stall", exchange -> {
      // Headers and the first bytes come at once; the rest never does.
      exchange.sendResponseHeaders(200, 100);
      exchange.getResponseBody().write("0123456789".getBytes(StandardCharsets.UTF_8));
      exchange.getResponseBody().flush();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
    });
    server.createContext("/chunked", exchange -> {
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        for (int i = 0; i < 100; i++) {
          out.write(new byte[1024]);
        }
      } catch (IOException e) {
        // the client gave up, as it should
      }
      exchange.close();
    });
    server.start();
    Files.createDirectories(dir.resolve("served"));
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
  }

  @Test
  void anHttpFileLandsUnderItsLastSegmentAndCanBeMadeExecutable() throws IOException {
    Files.writeString(dir.resolve("served/run.sh"), "#!/bin/sh\necho hi\n");

    new Fetcher().fetch(List.of(uri(url("/files/run.sh")).setExecutable(true).build()), sandbox);

    assertThat(sandbox.resolve("run.sh")).hasContent("#!/bin/sh\necho hi");
    assertThat(Files.isExecutable(sandbox.resolve("run.sh"))).isTrue();
    assertThat(sandbox.resolve("run.sh.fetching")).doesNotExist();
  }

  @Test
  void withoutExecutableTheFileIsNotExecutable() throws IOException {
    Files.writeString(dir.resolve("served/data.txt"), "x");

    new Fetcher().fetch(List.of(uri(url("/files/data.txt")).build()), sandbox);

    assertThat(Files.isExecutable(sandbox.resolve("data.txt"))).isFalse();
  }

  @Test
  void localFilesByPathAndFileUriGoUnderOutputFile() throws IOException {
    Path local = Files.writeString(dir.resolve("local.cfg"), "a=1");

    new Fetcher().fetch(List.of(
        uri(local.toString()).build(),
        uri(local.toUri().toString()).setOutputFile("conf/app.cfg").build()), sandbox);

    assertThat(sandbox.resolve("local.cfg")).hasContent("a=1");
    assertThat(sandbox.resolve("conf/app.cfg")).hasContent("a=1");
  }

  @Test
  void aTarGzAndAZipAreExtracted() throws IOException {
    new Archives.Tar().directory("bin/").file("bin/tool", "#!/bin/sh\n", 0755).file("README", "read me", 0644)
        .symlink("bin/alias", "tool")
        .writeGzip(dir.resolve("served/app.tar.gz"));
    Archives.zip(dir.resolve("served/site.zip"), "site/index.html", "<html/>");

    new Fetcher().fetch(List.of(uri(url("/files/app.tar.gz")).build(), uri(url("/files/site.zip")).build()), sandbox);

    assertThat(sandbox.resolve("bin/tool")).hasContent("#!/bin/sh");
    assertThat(Files.isExecutable(sandbox.resolve("bin/tool"))).isTrue();
    assertThat(sandbox.resolve("README")).hasContent("read me");
    assertThat(Files.readSymbolicLink(sandbox.resolve("bin/alias"))).isEqualTo(Path.of("tool"));
    assertThat(sandbox.resolve("site/index.html")).hasContent("<html/>");
    assertThat(sandbox.resolve("app.tar.gz")).exists();
  }

  @Test
  void aPlainTarIsExtractedAndExtractFalseKeepsTheArchive() throws IOException {
    Path tar = new Archives.Tar().file("one.txt", "1", 0644).write(dir.resolve("one.tar"));
    Path other = new Archives.Tar().file("two.txt", "2", 0644).write(dir.resolve("two.tar"));

    new Fetcher().fetch(List.of(uri(tar.toString()).build(), uri(other.toString()).setExtract(false).build()), sandbox);

    assertThat(sandbox.resolve("one.txt")).hasContent("1");
    assertThat(sandbox.resolve("two.tar")).exists();
    assertThat(sandbox.resolve("two.txt")).doesNotExist();
  }

  @Test
  void aZipSlipEntryIsRefusedAndNothingOfTheArchiveIsWritten() throws IOException {
    Path evil = Archives.zip(dir.resolve("evil.zip"), "fine.txt", "ok", "../../evil", "pwned");

    assertThatThrownBy(() -> new Fetcher().fetch(List.of(uri(evil.toString()).build()), sandbox))
        .isInstanceOf(FetchException.class)
        .hasMessage("Fetcher refused 'evil.zip': entry '../../evil' would land outside the sandbox");

    assertThat(dir.resolve("evil")).doesNotExist();
    assertThat(outside.resolve("evil")).doesNotExist();
    assertThat(sandbox.resolve("fine.txt")).as("checked before anything is written").doesNotExist();
  }

  @Test
  void aTarWithAnAbsoluteEntryIsRefused() throws IOException {
    Path target = dir.resolve("absolute-target");
    Path tar = new Archives.Tar().file(target.toString(), "pwned", 0644).write(dir.resolve("abs.tar"));

    assertThatThrownBy(() -> new Fetcher().fetch(List.of(uri(tar.toString()).build()), sandbox))
        .isInstanceOf(FetchException.class)
        .hasMessageContaining("Fetcher refused 'abs.tar': entry '" + target + "'");

    assertThat(target).doesNotExist();
  }

  @Test
  void aTarWithASymlinkPointingOutsideIsRefusedAndNothingIsWrittenThroughIt() throws IOException {
    Path escape = Files.createDirectories(dir.resolve("escape"));
    Path tar = new Archives.Tar().symlink("link", escape.toString()).file("link/pwned", "x", 0644)
        .writeGzip(dir.resolve("link.tgz"));
    Path relative = new Archives.Tar().symlink("up", "../../escape").file("up/pwned", "x", 0644)
        .write(dir.resolve("up.tar"));

    assertThatThrownBy(() -> new Fetcher().fetch(List.of(uri(tar.toString()).build()), sandbox))
        .isInstanceOf(FetchException.class)
        .hasMessage("Fetcher refused 'link.tgz': entry 'link' is a link to '" + escape + "', outside the sandbox");
    assertThatThrownBy(() -> new Fetcher().fetch(List.of(uri(relative.toString()).build()), sandbox))
        .isInstanceOf(FetchException.class)
        .hasMessage("Fetcher refused 'up.tar': entry 'up' is a link to '../../escape', outside the sandbox");

    assertThat(escape.resolve("pwned")).doesNotExist();
    assertThat(sandbox.resolve("link")).doesNotExist();
    assertThat(sandbox.resolve("up")).doesNotExist();
  }

  @Test
  void a404NamesTheUri() {
    String missing = url("/files/missing.sh");

    assertThatThrownBy(() -> new Fetcher().fetch(List.of(uri(missing).build()), sandbox))
        .isInstanceOf(FetchException.class)
        .hasMessage("Failed to fetch '" + missing + "': HTTP 404");
    assertThat(sandbox.resolve("missing.sh")).doesNotExist();
  }

  @Test
  void aLocalFileTheTasksUserCannotReadIsRefusedAndNothingOfItIsWritten() throws IOException {
    Path secret = Files.writeString(dir.resolve("executor-secret.key"), "the agent's key");
    LocalFiles deniedToTheTask = file -> {
      throw new java.nio.file.AccessDeniedException(file.toString(), null, "user 'nobody' cannot read it");
    };

    assertThatThrownBy(() -> new Fetcher().fetch(List.of(uri("file://" + secret).build()), sandbox, deniedToTheTask))
        .isInstanceOf(FetchException.class)
        .hasMessage("Failed to fetch 'file://" + secret + "': permission denied: user 'nobody' cannot read it");
    try (var left = Files.list(sandbox)) {
      assertThat(left).as("nothing written into the sandbox").isEmpty();
    }
  }

  /** Needs root and setpriv (as an agent that switches users has): the kernel checks the task user's rights. */
  @Test
  void asAnotherUserOnlyWhatThatUserMayReadIsCopied() throws Exception {
    io.mezzo.testkit.Requires.that(
        Files.readString(Path.of("/proc/self/status")).lines().anyMatch(l -> l.matches("Uid:\\s+\\d+\\s+0\\s.*")),
        "needs root");
    io.mezzo.testkit.Requires.that(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv");
    Process id = new ProcessBuilder("id", "-u", "nobody").start();
    String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    io.mezzo.testkit.Requires.that(id.waitFor() == 0, "needs user nobody");
    LocalFiles asNobody = LocalFiles.as("nobody",
        List.of("/usr/bin/setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--"));
    Path open = Files.createDirectories(dir.resolve("public"));
    Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Path readable = Files.writeString(open.resolve("readme.txt"), "for everyone");
    Files.setPosixFilePermissions(readable, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    Path secret = Files.writeString(open.resolve("secret.key"), "root only");
    Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

    new Fetcher().fetch(List.of(uri(readable.toString()).build()), sandbox, asNobody);
    assertThat(sandbox.resolve("readme.txt")).hasContent("for everyone");
    assertThatThrownBy(() -> new Fetcher().fetch(List.of(uri("file://" + secret).build()), sandbox, asNobody))
        .isInstanceOf(FetchException.class)
        .hasMessageStartingWith("Failed to fetch 'file://" + secret + "': permission denied: user 'nobody' cannot read it")
        .hasMessageContaining("Permission denied");
    assertThat(sandbox.resolve("secret.key")).doesNotExist();
    assertThat(sandbox.resolve("secret.key.fetching")).doesNotExist();
  }

  @Test
  void aMissingLocalFileNamesTheUri() {
    Path missing = dir.resolve("nope.bin");

    assertThatThrownBy(() -> new Fetcher().fetch(List.of(uri(missing.toString()).build()), sandbox))
        .isInstanceOf(FetchException.class)
        .hasMessage("Failed to fetch '" + missing + "': " + missing + " does not exist or is not a regular file");
  }

  @Test
  void aSlowServerTimesOut() {
    String slow = url("/slow");

    assertThatThrownBy(() -> new Fetcher(Duration.ofMillis(300), 1024).fetch(List.of(uri(slow).build()), sandbox))
        .isInstanceOf(FetchException.class)
        .hasMessage("Failed to fetch '" + slow + "': timed out after 300 ms");
  }

  @Test
  void aBodyThatStallsTimesOutAndLeavesNoPartialFile() {
    String stall = url("/stall");

    assertThatThrownBy(() -> new Fetcher(Duration.ofMillis(500), 1024).fetch(List.of(uri(stall).build()), sandbox))
        .isInstanceOf(FetchException.class)
        .hasMessage("Failed to fetch '" + stall + "': timed out after 500 ms");
    assertThat(sandbox.resolve("stall")).doesNotExist();
    assertThat(sandbox.resolve("stall.fetching")).doesNotExist();
  }

  @Test
  void aChunkedBodyOverTheSizeCapIsCutOff() {
    String chunked = url("/chunked");

    assertThatThrownBy(() -> new Fetcher(Duration.ofSeconds(20), 10_000).fetch(List.of(uri(chunked).build()), sandbox))
        .isInstanceOf(FetchException.class)
        .hasMessage("Failed to fetch '" + chunked + "': more than the limit of 10000 bytes");
    assertThat(sandbox.resolve("chunked")).doesNotExist();
    assertThat(sandbox.resolve("chunked.fetching")).doesNotExist();
  }

  @Test
  void aFileOverTheSizeCapIsRefusedAndNotKept() throws IOException {
    Files.writeString(dir.resolve("served/big.bin"), "0123456789");
    String big = url("/files/big.bin");

    assertThatThrownBy(() -> new Fetcher(Duration.ofSeconds(20), 5).fetch(List.of(uri(big).build()), sandbox))
        .isInstanceOf(FetchException.class)
        .hasMessage("Failed to fetch '" + big + "': 10 bytes is more than the limit of 5 bytes");
    assertThat(sandbox.resolve("big.bin")).doesNotExist();
    assertThat(sandbox.resolve("big.bin.fetching")).doesNotExist();
  }

  @Test
  void outputFilesAndUrisThatWouldLeaveTheSandboxAreRefused() throws IOException {
    Path local = Files.writeString(dir.resolve("f.txt"), "x");

    assertThatThrownBy(() -> new Fetcher().fetch(uri(local.toString()).setOutputFile("../f.txt").build(), sandbox))
        .hasMessage("Cannot fetch '" + local + "': output file '../f.txt' must not contain '..'");
    assertThatThrownBy(() -> new Fetcher().fetch(uri(local.toString()).setOutputFile("/tmp/f.txt").build(), sandbox))
        .hasMessage("Cannot fetch '" + local + "': output file '/tmp/f.txt' must be a relative path");
    assertThatThrownBy(() -> new Fetcher().fetch(uri("relative/f.txt").build(), sandbox))
        .hasMessage("Cannot fetch 'relative/f.txt': a local path must be absolute");
    assertThatThrownBy(() -> new Fetcher().fetch(uri("hdfs://nn/f.txt").build(), sandbox))
        .hasMessageContaining("scheme 'hdfs' is not supported");
    assertThatThrownBy(() -> new Fetcher().fetch(uri(url("/files/")).build(), sandbox))
        .hasMessageContaining("it has no file name; set output_file");
    assertThat(outside.resolve("f.txt")).doesNotExist();
  }

  @Test
  void anArchiveFormatWeCannotReadFailsClearly() throws IOException {
    Path bz = Files.writeString(dir.resolve("app.tar.bz2"), "not really");

    assertThatThrownBy(() -> new Fetcher().fetch(uri(bz.toString()).build(), sandbox))
        .hasMessageContaining("Fetcher cannot extract '" + bz + "'");
    new Fetcher().fetch(uri(bz.toString()).setExtract(false).build(), sandbox);
    assertThat(sandbox.resolve("app.tar.bz2")).hasContent("not really");
  }

  @Test
  void aCorruptTarFailsNamingTheUri() throws IOException {
    Path junk = Files.write(dir.resolve("junk.tar"), "this is not a tar archive".repeat(40).getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> new Fetcher().fetch(uri(junk.toString()).build(), sandbox))
        .hasMessage("Failed to extract '" + junk + "': not a tar archive (bad header checksum)");
  }

  private static CommandInfo.URI.Builder uri(String value) {
    return CommandInfo.URI.newBuilder().setValue(value);
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }
}
