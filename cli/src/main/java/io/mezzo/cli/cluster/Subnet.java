package io.mezzo.cli.cluster;

/**
 * An IPv4 subnet of a cluster's Docker network, e.g. {@code 172.18.0.0/16}, and the fixed
 * addresses its nodes get there: {@link #host(int) host(0)} is the first address after the
 * network's own and its gateway's ({@code .1}, where Docker puts it), and so on.
 */
record Subnet(int network, int prefix) {
  Subnet {
    if (prefix < 8 || prefix > 30) {
      throw new IllegalArgumentException("A cluster network needs a subnet of /8 to /30, got /" + prefix);
    }
  }

  static boolean isIpv4(String cidr) {
    return cidr.matches("\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}");
  }

  /** Parses {@code a.b.c.d/n}. */
  static Subnet parse(String cidr) {
    if (!isIpv4(cidr)) {
      throw new IllegalArgumentException("Not an IPv4 subnet: '" + cidr + "'");
    }
    String[] parts = cidr.split("/");
    int prefix = Integer.parseInt(parts[1]);
    int address = 0;
    for (String octet : parts[0].split("\\.")) {
      int value = Integer.parseInt(octet);
      if (value > 255) {
        throw new IllegalArgumentException("Not an IPv4 subnet: '" + cidr + "'");
      }
      address = (address << 8) | value;
    }
    int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
    return new Subnet(address & mask, prefix);
  }

  /** The {@code index}-th node's address: the network's address + 2 + index. */
  String host(int index) {
    long size = 1L << (32 - prefix);
    if (index < 0 || index + 3 >= size) { // the network's address, the gateway, the broadcast address
      throw new IllegalArgumentException("Subnet " + this + " has no room for node " + (index + 1));
    }
    int address = network + 2 + index;
    return (address >>> 24) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "." + (address & 0xff);
  }

  @Override
  public String toString() {
    return (network >>> 24) + "." + ((network >>> 16) & 0xff) + "." + ((network >>> 8) & 0xff) + "." + (network & 0xff)
        + "/" + prefix;
  }
}
