package io.mezzo.master.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsTest {

  @Test
  void readsMesossFormatFromAPathOrAFileUrl(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("credentials.json");
    Files.writeString(file, "{\"credentials\":[{\"principal\":\"ops\",\"secret\":\"s3cret\"},{\"principal\":\"fw\"}]}");

    for (String location : new String[] {file.toString(), "file://" + file}) {
      Credentials credentials = Credentials.read(location);
      assertThat(credentials.size()).isEqualTo(2);
      assertThat(credentials.secret("ops")).contains("s3cret");
      assertThat(credentials.secret("fw")).as("secret is optional in Mesos's format").contains("");
      assertThat(credentials.secret("nobody")).isEmpty();
    }
  }

  @Test
  void aFileWithoutCredentialsOrWithBadEntriesIsRefusedNamingTheProblem(@TempDir Path dir) throws Exception {
    Map<String, String> bad = Map.of(
        "", "not a JSON object",
        "{}", "has no credentials",
        "{\"credentials\":[]}", "has no credentials",
        "{\"credentials\":[{\"secret\":\"x\"}]}", "credentials[0] has no principal",
        "{\"credentials\":[{\"principal\":\"a\",\"secret\":1}]}", "credentials[0].secret is not a string",
        "{\"credentials\":[{\"principal\":\"a\"},{\"principal\":\"a\"}]}", "principal 'a' appears twice",
        "{\"credentials\":[\"a\"]}", "credentials[0] is not an object");
    for (Map.Entry<String, String> c : bad.entrySet()) {
      Path file = dir.resolve("c" + Math.abs(c.getKey().hashCode()) + ".json");
      Files.writeString(file, c.getKey());
      assertThatThrownBy(() -> Credentials.read(file.toString())).as(c.getKey())
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(file.toString())
          .hasMessageContaining(c.getValue());
    }
    assertThatThrownBy(() -> Credentials.read(dir.resolve("missing.json").toString()))
        .hasMessageContaining("Cannot read the credentials file");
  }

  @Test
  void basicAuthenticationProvesOnlyTheRightSecret() {
    BasicAuthenticator basic = new BasicAuthenticator(Credentials.of(Map.of("ops", "s3cret", "fw", "other")));

    assertThat(basic.authenticate(basic("ops", "s3cret"))).contains("ops");
    assertThat(basic.authenticate("basic " + encode("ops:s3cret"))).as("the scheme is case-insensitive").contains("ops");
    assertThat(basic.authenticate(basic("ops", "other"))).as("another principal's secret").isEmpty();
    assertThat(basic.authenticate(basic("ops", "s3cre"))).isEmpty();
    assertThat(basic.authenticate(basic("nobody", "s3cret"))).isEmpty();
    assertThat(basic.authenticate(null)).isEmpty();
    assertThat(basic.authenticate("Basic ")).isEmpty();
    assertThat(basic.authenticate("Basic !!!not-base64")).isEmpty();
    assertThat(basic.authenticate("Bearer " + encode("ops:s3cret"))).isEmpty();
    assertThat(basic.authenticate("Basic " + encode("ops"))).as("no colon").isEmpty();
    assertThat(basic.authenticate("Basic " + encode("ops:s3cret:x"))).as("Mesos: exactly two parts").isEmpty();
  }

  static String basic(String principal, String secret) {
    return "Basic " + encode(principal + ":" + secret);
  }

  private static String encode(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
