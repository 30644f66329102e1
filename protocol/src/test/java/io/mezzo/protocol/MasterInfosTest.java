package io.mezzo.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.mezzo.v1.Protos.Address;
import io.mezzo.v1.Protos.MasterInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class MasterInfosTest {
  @Test
  void theLowestJsonInfoSequenceLeadsAndOtherNamesDoNotCount() {
    assertThat(MasterInfos.leaderNode(List.of(
        "json.info_0000000012", "info_0000000001", "json.info_0000000003", "log_replicas", "json.info_x",
        "json.info_", "json.info_1234567890123456789")))
        .hasValue("json.info_0000000003");
    assertThat(MasterInfos.leaderNode(List.of("info_0000000001", "log_replicas"))).isEmpty();
    assertThat(MasterInfos.sequence("json.info_0000000042")).isEqualTo(42);
    assertThat(MasterInfos.sequence("json.info_-1")).isEqualTo(-1);
  }

  @Test
  void theEndpointIsTheAddressIpThenAHostnameThenThePackedIp() {
    MasterInfo.Builder info = MasterInfo.newBuilder().setId("m").setIp(0x0100007f).setPort(5050);
    assertThat(MasterInfos.endpoint(info.build())).isEqualTo(new MasterInfos.Endpoint("127.0.0.1", 5050));
    info.setHostname("old-host");
    assertThat(MasterInfos.endpoint(info.build())).isEqualTo(new MasterInfos.Endpoint("old-host", 5050));
    info.setAddress(Address.newBuilder().setHostname("new-host").setPort(6060));
    assertThat(MasterInfos.endpoint(info.build())).isEqualTo(new MasterInfos.Endpoint("new-host", 6060));
    info.setAddress(Address.newBuilder().setHostname("new-host").setIp("10.0.0.1").setPort(6060));
    assertThat(MasterInfos.endpoint(info.build())).isEqualTo(new MasterInfos.Endpoint("10.0.0.1", 6060));
  }
}
