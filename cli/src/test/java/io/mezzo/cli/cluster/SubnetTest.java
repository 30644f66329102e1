package io.mezzo.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SubnetTest {
  @Test
  void nodesGetTheAddressesAfterTheNetworksAndItsGateways() {
    Subnet subnet = Subnet.parse("172.19.0.0/16");
    assertThat(subnet.host(0)).isEqualTo("172.19.0.2");
    assertThat(subnet.host(1)).isEqualTo("172.19.0.3");
    assertThat(subnet.host(300)).isEqualTo("172.19.1.46");
    assertThat(subnet).hasToString("172.19.0.0/16");
  }

  @Test
  void aSubnetWrittenWithHostBitsIsItsNetwork() {
    assertThat(Subnet.parse("10.1.2.77/24").host(0)).isEqualTo("10.1.2.2");
  }

  @Test
  void aSmallSubnetRunsOutOfRoomWithAClearError() {
    Subnet subnet = Subnet.parse("192.168.5.0/29"); // 8 addresses: network, gateway, 5 nodes, broadcast
    assertThat(subnet.host(4)).isEqualTo("192.168.5.6");
    assertThatThrownBy(() -> subnet.host(5)).hasMessage("Subnet 192.168.5.0/29 has no room for node 6");
  }

  @Test
  void whatIsNotAnIpv4SubnetIsRefused() {
    assertThat(Subnet.isIpv4("fd00::/64")).isFalse();
    assertThatThrownBy(() -> Subnet.parse("fd00::/64")).hasMessage("Not an IPv4 subnet: 'fd00::/64'");
    assertThatThrownBy(() -> Subnet.parse("300.1.1.0/24")).hasMessage("Not an IPv4 subnet: '300.1.1.0/24'");
    assertThatThrownBy(() -> Subnet.parse("10.0.0.0/31")).hasMessageContaining("/8 to /30");
  }
}
