package io.mezzo.agent.executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutorTokensTest {
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  @TempDir
  Path dir;

  private static byte[] key(long seed) {
    byte[] key = new byte[32];
    new Random(seed).nextBytes(key);
    return key;
  }

  @Test
  void aTokenNamesItsExecutorAndOnlyTheSigningKeyAcceptsIt() {
    ExecutorTokens tokens = ExecutorTokens.withKey(key(1));
    String token = tokens.issue("fw-1", "exec-1");

    assertThat(token.split("\\.")).hasSize(3);
    assertThat(tokens.verify(token)).contains(new ExecutorTokens.Claims("fw-1", "exec-1"));
    assertThat(ExecutorTokens.withKey(key(2)).verify(token)).isEmpty();
  }

  @Test
  void malformedTamperedAndUnsignedTokensAreRefused() {
    ExecutorTokens tokens = ExecutorTokens.withKey(key(1));
    String[] parts = tokens.issue("fw-1", "exec-1").split("\\.");
    String otherPayload = URL.encodeToString("{\"fid\":\"fw-1\",\"eid\":\"exec-2\"}".getBytes(StandardCharsets.UTF_8));
    String none = URL.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
    for (String bad : new String[] {null, "", "a.b", "a.b.c.d", parts[0] + "." + otherPayload + "." + parts[2],
        none + "." + parts[1] + ".", parts[0] + "." + parts[1] + ".", parts[0] + "." + parts[1] + ".!!!",
        parts[0] + "." + parts[1] + "." + parts[2] + "x"}) {
      assertThat(tokens.verify(bad)).as(String.valueOf(bad)).isEmpty();
    }
  }

  @Test
  void theWorkDirKeyIsMadeOnceWithMode0600AndKeptAcrossRestarts() throws Exception {
    String token = ExecutorTokens.inWorkDir(dir).issue("fw-1", "exec-1");
    Path file = dir.resolve(ExecutorTokens.KEY_FILE);

    assertThat(Files.size(file)).isEqualTo(32);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(ExecutorTokens.inWorkDir(dir).verify(token)).as("after a restart").isPresent();
    assertThat(ExecutorTokens.fromFile(file).verify(token)).isPresent();
  }

  @Test
  void aKeyTooShortOrMissingIsAClearError() throws Exception {
    Path shortKey = Files.write(dir.resolve("short.key"), new byte[16]);
    assertThatThrownBy(() -> ExecutorTokens.fromFile(shortKey)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 32 bytes, not 16").hasMessageContaining("short.key");
    assertThatThrownBy(() -> ExecutorTokens.fromFile(dir.resolve("missing.key")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Cannot read the executor secret key");
  }
}
