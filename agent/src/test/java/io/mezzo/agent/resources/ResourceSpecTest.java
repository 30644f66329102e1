package io.mezzo.agent.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.v1.Protos.Attribute;
import io.mezzo.v1.Protos.Resource;
import io.mezzo.v1.Protos.Value;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResourceSpecTest {

  @Test
  void parsesScalarsRangesAndSets() {
    List<Resource> resources = ResourceSpec.parseResources(
        "cpus:2;mem:1024.5; disk:4096 ;ports:[31000-31099, 32000-32000];gpus(*):1;disks:{a,b}");

    assertThat(resources).extracting(Resource::getName)
        .containsExactly("cpus", "mem", "disk", "ports", "gpus", "disks");
    assertThat(resources.get(0).getType()).isEqualTo(Value.Type.SCALAR);
    assertThat(resources.get(0).getScalar().getValue()).isEqualTo(2.0);
    assertThat(resources.get(1).getScalar().getValue()).isEqualTo(1024.5);
    assertThat(resources.get(3).getType()).isEqualTo(Value.Type.RANGES);
    assertThat(resources.get(3).getRanges().getRangeList())
        .extracting(Value.Range::getBegin, Value.Range::getEnd)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(31000L, 31099L),
            org.assertj.core.groups.Tuple.tuple(32000L, 32000L));
    assertThat(resources.get(4).getScalar().getValue()).isEqualTo(1.0);
    assertThat(resources.get(4).hasRole()).isFalse();
    assertThat(resources.get(5).getSet().getItemList()).containsExactly("a", "b");
  }

  @Test
  void aRoleInParenthesesIsAStaticReservationInThePostRefinementFormat() {
    List<Resource> resources = ResourceSpec.parseResources("cpus:4;cpus(eng):2;mem(eng/web):1024;ports(*):[1-2]");

    assertThat(resources).extracting(Resource::getName).containsExactly("cpus", "cpus", "mem", "ports");
    assertThat(resources.get(0).getReservationsCount()).isZero();
    assertThat(resources.get(1).getScalar().getValue()).isEqualTo(2.0);
    assertThat(resources.get(1).hasRole()).isFalse();
    assertThat(resources.get(1).getReservationsList()).singleElement().satisfies(r -> {
      assertThat(r.getType()).isEqualTo(Resource.ReservationInfo.Type.STATIC);
      assertThat(r.getRole()).isEqualTo("eng");
    });
    assertThat(resources.get(2).getReservations(0).getRole()).isEqualTo("eng/web");
    assertThat(resources.get(3).getReservationsCount()).isZero();
  }

  @Test
  void emptyTextIsNoResources() {
    assertThat(ResourceSpec.parseResources(null)).isEmpty();
    assertThat(ResourceSpec.parseResources("  ")).isEmpty();
    assertThat(ResourceSpec.parseResources("cpus:1;;")).hasSize(1);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "cpus2                    | expected name:value",
      "cpus:                    | the value is empty",
      ":2                       | name is empty",
      "cpus:-1                  | negative",
      "cpus:abc!                | is not a number",
      "cpus(/eng):2             | is not a valid role",
      "cpus(eng/../x):2         | is not a valid role",
      "cpus(a b):2              | is not a valid role",
      "cpus(eng):1;cpus(eng):2  | for role 'eng' is given more than once",
      "cpus:1;cpus:2            | given more than once",
      "ports:[31000-30000]      | ends before it begins",
      "ports:[1-10,5-20]        | overlap",
      "ports:[1-10              | does not end with ']'",
      "ports:[]                 | the range list is empty",
      "ports:[a-b]              | is not a range",
      "disks:{a,,b}             | empty item",
      "disks:{a,a}              | appears twice",
      "disks:{}                 | the set is empty",
      "cp us:1                  | may only contain",
      "mem:hello                | is not a number, a range list",
  })
  void refusesBadResourcesWithAClearMessage(String text, String message) {
    assertThatThrownBy(() -> ResourceSpec.parseResources(text))
        .isInstanceOf(ResourceSyntaxException.class)
        .hasMessageContaining(message);
  }

  @Test
  void parsesAttributes() {
    List<Attribute> attributes = ResourceSpec.parseAttributes("rack:r1;zone:a;level:3;slots:[1-4]");

    assertThat(attributes).extracting(Attribute::getName).containsExactly("rack", "zone", "level", "slots");
    assertThat(attributes.get(0).getType()).isEqualTo(Value.Type.TEXT);
    assertThat(attributes.get(0).getText().getValue()).isEqualTo("r1");
    assertThat(attributes.get(2).getType()).isEqualTo(Value.Type.SCALAR);
    assertThat(attributes.get(2).getScalar().getValue()).isEqualTo(3.0);
    assertThat(attributes.get(3).getType()).isEqualTo(Value.Type.RANGES);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "rack                     | expected name:value",
      "rack:{a,b}               | sets are not supported",
      "rack:r1;rack:r2          | given more than once",
      "rack:r 1                 | plain text",
      "rack:                    | the value is empty",
  })
  void refusesBadAttributes(String text, String message) {
    assertThatThrownBy(() -> ResourceSpec.parseAttributes(text))
        .isInstanceOf(ResourceSyntaxException.class)
        .hasMessageContaining(message);
  }

  @Test
  void detectionFillsInOnlyWhatIsMissing(@TempDir Path workDir) {
    List<Resource> complete = ResourceDetector.complete(ResourceSpec.parseResources("cpus:0.5;ports:[1-2]"), workDir);

    assertThat(complete).extracting(Resource::getName).containsExactly("cpus", "ports", "mem", "disk");
    assertThat(complete.get(0).getScalar().getValue()).isEqualTo(0.5);
    assertThat(complete.get(1).getRanges().getRange(0).getEnd()).isEqualTo(2);
    assertThat(complete.get(2).getScalar().getValue()).isGreaterThanOrEqualTo(ResourceDetector.MEM_MIN_MB);
    assertThat(complete.get(3).getScalar().getValue()).isGreaterThanOrEqualTo(ResourceDetector.DISK_MIN_MB);
  }

  @Test
  void detectsEverythingWhenNothingIsGiven(@TempDir Path workDir) {
    List<Resource> detected = ResourceDetector.complete(List.of(), workDir.resolve("not-yet"));

    assertThat(detected).extracting(Resource::getName).containsExactly("cpus", "mem", "disk", "ports");
    assertThat(detected.get(0).getScalar().getValue()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(detected.get(3).getRanges().getRange(0).getBegin()).isEqualTo(31000);
    assertThat(detected.get(3).getRanges().getRange(0).getEnd()).isEqualTo(32000);
  }
}
