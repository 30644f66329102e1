package io.mezzo.master.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.master.spi.Authorizer.Action;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mesos's local authorizer rules: first matching rule decides, ANY/NONE/SOME entities, then permissive. */
class LocalAuthorizerTest {
  private static final Optional<String> ANY = Optional.empty();

  @Test
  void theFirstMatchingRuleDecidesAndNothingMatchingIsRefusedByDefault() {
    LocalAuthorizer acls = LocalAuthorizer.parse("""
        {"register_frameworks": [
           {"principals": {"values": ["svc"]}, "roles": {"values": ["prod"]}},
           {"principals": {"values": ["svc"]}, "roles": {"type": "NONE"}},
           {"principals": {"type": "ANY"}, "roles": {"values": ["dev"]}}
         ],
         "run_tasks": [{"principals": {"type": "ANY"}, "users": {"values": ["nobody"]}}]}""");

    assertThat(acls.approved(Action.REGISTER_FRAMEWORK, p("svc"), p("prod"))).isTrue();
    assertThat(acls.approved(Action.REGISTER_FRAMEWORK, p("svc"), p("dev")))
        .as("svc's NONE rule comes before the ANY-principal rule").isFalse();
    assertThat(acls.approved(Action.REGISTER_FRAMEWORK, p("other"), p("dev"))).isTrue();
    assertThat(acls.approved(Action.REGISTER_FRAMEWORK, ANY, p("dev"))).as("unauthenticated caller").isTrue();
    assertThat(acls.approved(Action.REGISTER_FRAMEWORK, p("other"), p("prod"))).as("no rule: not permissive").isFalse();
    assertThat(acls.approved(Action.RUN_TASK, p("svc"), p("nobody"))).isTrue();
    assertThat(acls.approved(Action.RUN_TASK, p("svc"), p("root"))).isFalse();
    assertThat(acls.approved(Action.TEARDOWN_FRAMEWORK, p("svc"), ANY)).as("an action without rules").isFalse();
  }

  @Test
  void permissiveTrueAllowsWhatNoRuleSpeaksAbout() {
    LocalAuthorizer acls = LocalAuthorizer.parse("""
        {"permissive": true,
         "teardown_frameworks": [{"principals": {"values": ["ops"]}, "framework_principals": {"type": "ANY"}},
                                 {"principals": {"type": "ANY"}, "framework_principals": {"type": "NONE"}}]}""");

    assertThat(acls.approved(Action.TEARDOWN_FRAMEWORK, p("ops"), p("fw"))).isTrue();
    assertThat(acls.approved(Action.TEARDOWN_FRAMEWORK, p("fw"), p("fw"))).as("caught by the NONE rule").isFalse();
    assertThat(acls.approved(Action.UPDATE_WEIGHT, p("fw"), p("eng"))).isTrue();
  }

  @Test
  void anAnyRequestIsOnlyAllowedByAnAnyRule() {
    LocalAuthorizer acls = LocalAuthorizer.parse("""
        {"unreserve_resources": [{"principals": {"values": ["ops"]}, "reserver_principals": {"values": ["ops"]}},
                                 {"principals": {"values": ["root"]}, "reserver_principals": {"type": "ANY"}}]}""");

    assertThat(acls.approved(Action.UNRESERVE_RESOURCES, p("ops"), p("ops"))).isTrue();
    assertThat(acls.approved(Action.UNRESERVE_RESOURCES, p("ops"), ANY))
        .as("a reservation without a principal is not one of ops's").isFalse();
    assertThat(acls.approved(Action.UNRESERVE_RESOURCES, p("root"), ANY)).isTrue();
  }

  @Test
  void readsAFileOrAFileUrl(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("acls.json");
    Files.writeString(file, "{\"update_quotas\":[{\"principals\":{\"values\":[\"ops\"]},\"roles\":{\"type\":\"ANY\"}}]}");
    for (String location : new String[] {file.toString(), "file://" + file}) {
      assertThat(LocalAuthorizer.parse(location).approved(Action.UPDATE_QUOTA, p("ops"), p("eng"))).isTrue();
    }
  }

  @Test
  void badAclsAreRefusedNamingWhatIsWrong() {
    String[][] cases = {
        {"{", "not a JSON object"},
        {"{\"permissive\": \"yes\"}", "'permissive' must be true or false"},
        {"{\"get_endpoints\": []}", "unknown or unsupported action 'get_endpoints'"},
        {"{\"run_tasks\": {}}", "'run_tasks' must be an array"},
        {"{\"run_tasks\": [1]}", "run_tasks[0] is not an object"},
        {"{\"run_tasks\": [{\"principals\": {\"type\": \"ANY\"}}]}", "run_tasks[0].users must be"},
        {"{\"run_tasks\": [{\"principals\": {\"type\": \"SOME\"}, \"users\": {\"type\": \"ANY\"}}]}",
            "run_tasks[0].principals needs a non-empty 'values' array"},
        {"{\"run_tasks\": [{\"principals\": {\"type\": \"ALL\"}, \"users\": {\"type\": \"ANY\"}}]}",
            "run_tasks[0].principals.type must be SOME, ANY or NONE"},
        {"/no/such/acls.json", "Cannot read the ACLs file /no/such/acls.json"},
    };
    for (String[] c : cases) {
      assertThatThrownBy(() -> LocalAuthorizer.parse(c[0])).as(c[0]).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(c[1]);
    }
  }

  private static Optional<String> p(String value) {
    return Optional.of(value);
  }
}
