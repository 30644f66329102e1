package io.mezzo.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IdsTest {

  @ParameterizedTest
  @ValueSource(strings = {"*", "eng", "eng/web", "a.b", "x-1", "eng/web/api"})
  void acceptsMesosRoles(String role) {
    assertThat(Ids.checkRole(role)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''          | must not be empty",
      "/eng        | must not start or end with '/'",
      "eng/        | must not start or end with '/'",
      "a//b        | contain '//'",
      "eng/..      | invalid component '..'",
      "eng/*       | invalid component '*'",
      "-eng        | invalid component '-eng'",
      "'en g'      | whitespace, control characters",
      "'en\\g'     | or '\\'",
  })
  void refusesBadRolesSayingWhy(String role, String reason) {
    assertThat(Ids.checkRole(role)).hasValueSatisfying(r -> assertThat(r).contains(reason));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''        | must not be empty",
      ".         | is disallowed",
      "..        | is disallowed",
      "a/b       | contains invalid characters",
      "'a\\b'    | contains invalid characters",
  })
  void refusesBadIdsSayingWhy(String id, String reason) {
    assertThat(Ids.checkId("Task ID", id)).hasValueSatisfying(r -> assertThat(r).startsWith("Task ID").contains(reason));
  }

  @ParameterizedTest
  @ValueSource(strings = {"task-1", "a.b_c", "x:y", "ünïcode"})
  void acceptsIds(String id) {
    assertThat(Ids.checkId("Task ID", id)).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void refusesIdsLongerThan255Characters() {
    assertThat(Ids.checkId("Task ID", "x".repeat(255))).isEmpty();
    assertThat(Ids.checkId("Task ID", "x".repeat(256))).hasValueSatisfying(r -> assertThat(r).contains("longer than 255"));
  }
}
