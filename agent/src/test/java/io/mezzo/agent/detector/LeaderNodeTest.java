package io.mezzo.agent.detector;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.v1.Protos.Address;
import io.mezzo.v1.Protos.MasterInfo;
import org.junit.jupiter.api.Test;

class LeaderNodeTest {
  @Test
  void theAddressIsTheMasterInfosEndpoint() {
    MasterInfo.Builder info = MasterInfo.newBuilder().setId("m").setIp(0).setPort(5050).setHostname("old-host");
    assertThat(MasterAddress.of(info.build())).isEqualTo(new MasterAddress("old-host", 5050));
    info.setAddress(Address.newBuilder().setIp("10.0.0.1").setPort(6060));
    assertThat(MasterAddress.of(info.build())).isEqualTo(new MasterAddress("10.0.0.1", 6060));
    info.setAddress(Address.newBuilder().setHostname("new-host").setIp("10.0.0.1").setPort(6060));
    assertThat(MasterAddress.of(info.build())).isEqualTo(new MasterAddress("10.0.0.1", 6060));
  }
}
