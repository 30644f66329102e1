package io.mezzo.master.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mezzo.v1.Protos.FrameworkInfo;
import io.mezzo.v1.Protos.FrameworkInfo.Capability;
import org.junit.jupiter.api.Test;

class FrameworkRecordTest {
  private static FrameworkInfo.Builder info() {
    return FrameworkInfo.newBuilder().setUser("u").setName("f");
  }

  private static FrameworkInfo multiRole(String... roles) {
    return info().addAllRoles(java.util.List.of(roles))
        .addCapabilities(Capability.newBuilder().setType(Capability.Type.MULTI_ROLE)).build();
  }

  @Test
  void rolesAreTheListWithMultiRoleElseTheOneRoleInOneClassOfSet() {
    FrameworkRecord multi = new FrameworkRecord("f1", multiRole("b", "a", "b"), 0);
    FrameworkRecord single = new FrameworkRecord("f2", info().setRole("eng").addRoles("ignored").build(), 0);

    assertThat(multi.roles()).containsExactly("b", "a");
    assertThat(single.roles()).containsExactly("eng");
    assertThat(multi.roles().getClass()).isSameAs(single.roles().getClass());
    assertThatThrownBy(() -> multi.roles().add("c")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void rolesAndCapabilitiesFollowANewInfo() {
    FrameworkRecord framework = new FrameworkRecord("f1", info().setRole("eng").build(), 0);
    assertThat(framework.hasCapability(Capability.Type.MULTI_ROLE)).isFalse();
    assertThat(framework.roles()).containsExactly("eng");

    framework.info = multiRole("ops", "dev");

    assertThat(framework.hasCapability(Capability.Type.MULTI_ROLE)).isTrue();
    assertThat(framework.hasCapability(Capability.Type.PARTITION_AWARE)).isFalse();
    assertThat(framework.roles()).containsExactly("ops", "dev");
  }
}
