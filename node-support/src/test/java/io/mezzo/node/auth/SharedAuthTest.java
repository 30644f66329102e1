package io.mezzo.node.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.node.auth.Acls.Action;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the master and the agent share: Mesos's credentials file, the Basic check, the ACL JSON. */
class SharedAuthTest {

  @Test
  void credentialsAreReadInMesossFormatAndBadFilesAreNamed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("credentials.json");
    Files.writeString(file, "{\"credentials\":[{\"principal\":\"ops\",\"secret\":\"s3cret\"},{\"principal\":\"fw\"}]}");
    Credentials credentials = Credentials.read("file://" + file);
    assertThat(credentials.size()).isEqualTo(2);
    assertThat(credentials.secret("ops")).contains("s3cret");
    assertThat(credentials.secret("fw")).contains("");

    Files.writeString(file, "{\"credentials\":[{\"principal\":\"a\"},{\"principal\":\"a\"}]}");
    assertThatThrownBy(() -> Credentials.read(file.toString())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("principal 'a' appears twice");
    assertThatThrownBy(() -> Credentials.parse("{}")).hasMessageContaining("has no credentials");
  }

  @Test
  void basicProvesOnlyTheRightSecret() {
    HttpBasic basic = new HttpBasic(Credentials.of(Map.of("ops", "s3cret", "fw", "other")));

    assertThat(basic.authenticate(header("ops:s3cret"))).contains("ops");
    assertThat(basic.authenticate("basic " + encode("ops:s3cret"))).as("the scheme is case-insensitive").contains("ops");
    assertThat(basic.authenticate(header("ops:other"))).as("another principal's secret").isEmpty();
    assertThat(basic.authenticate(header("nobody:s3cret"))).isEmpty();
    assertThat(basic.authenticate(header("ops:s3cret:x"))).as("Mesos: exactly two parts").isEmpty();
    assertThat(basic.authenticate(null)).isEmpty();
    assertThat(basic.authenticate("Basic !!!not-base64")).isEmpty();
    assertThat(basic.authenticate("Bearer " + encode("ops:s3cret"))).isEmpty();
  }

  @Test
  void oneAclFileServesBothNodesAndTheFirstMatchingRuleDecides() {
    Acls acls = Acls.parse("""
        {"register_frameworks": [{"principals": {"type": "ANY"}, "roles": {"values": ["prod"]}}],
         "access_sandboxes": [
           {"principals": {"values": ["ops"]}, "users": {"type": "ANY"}},
           {"principals": {"values": ["fw"]}, "users": {"type": "NONE"}},
           {"principals": {"type": "ANY"}, "users": {"values": ["nobody"]}}
         ]}""");

    assertThat(acls.permissive()).as("Mezzo's default once ACLs are given").isFalse();
    assertThat(acls.approved(Action.ACCESS_SANDBOXES, p("ops"), p("root"))).isTrue();
    assertThat(acls.approved(Action.ACCESS_SANDBOXES, p("ops"), Optional.empty())).as("an unknown user").isTrue();
    assertThat(acls.approved(Action.ACCESS_SANDBOXES, p("fw"), p("nobody"))).as("fw's NONE rule comes first").isFalse();
    assertThat(acls.approved(Action.ACCESS_SANDBOXES, p("other"), p("nobody"))).isTrue();
    assertThat(acls.approved(Action.ACCESS_SANDBOXES, p("other"), p("root"))).as("no rule: not permissive").isFalse();
    assertThat(acls.approved(Action.ACCESS_SANDBOXES, Optional.empty(), Optional.empty()))
        .as("an unauthenticated caller and an unknown user match only ANY rules").isFalse();
    assertThat(acls.approved(Action.REGISTER_FRAMEWORKS, p("x"), p("prod"))).isTrue();
    assertThat(Acls.parse("{\"permissive\": true}").approved(Action.ACCESS_SANDBOXES, p("x"), p("y"))).isTrue();
  }

  @Test
  void badAclsAreRefusedNamingWhatIsWrong() {
    assertThatThrownBy(() -> Acls.parse("{\"get_endpoints\": []}"))
        .hasMessageContaining("unknown or unsupported action 'get_endpoints'").hasMessageContaining("access_sandboxes");
    assertThatThrownBy(() -> Acls.parse("{\"access_sandboxes\": [{\"principals\": {\"type\": \"ANY\"}}]}"))
        .hasMessageContaining("access_sandboxes[0].users must be");
    assertThatThrownBy(() -> Acls.parse("/no/such/acls.json")).hasMessageContaining("Cannot read the ACLs file");
  }

  private static Optional<String> p(String value) {
    return Optional.of(value);
  }

  private static String header(String userPass) {
    return "Basic " + encode(userPass);
  }

  private static String encode(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
