package dev.fanout.delivery.http;

import dev.fanout.config.Cidr;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;

/**
 * Which addresses a delivery may connect to. Public unicast addresses are allowed; loopback,
 * private (RFC 1918), link-local (169.254/16, the cloud metadata range, and fe80::/10), CGNAT
 * (100.64/10), unique-local (fc00::/7), site-local (fec0::/10), the addresses that embed an IPv4
 * address (IPv4-compatible, IPv4-translated, NAT64, 6to4, Teredo), documentation and discard
 * prefixes, Azure's host endpoint, multicast, unspecified and other reserved addresses are refused
 * unless they fall inside an explicitly allowed network.
 */
public final class AddressPolicy {
  private static final List<Cidr> REFUSED =
      List.of(
          Cidr.parse("0.0.0.0/8"),
          Cidr.parse("10.0.0.0/8"),
          Cidr.parse("100.64.0.0/10"),
          Cidr.parse("127.0.0.0/8"),
          Cidr.parse("169.254.0.0/16"),
          Cidr.parse("172.16.0.0/12"),
          Cidr.parse("192.0.0.0/24"),
          // TEST-NET-1, -2 and -3: documentation, never a real subscriber.
          Cidr.parse("192.0.2.0/24"),
          Cidr.parse("198.51.100.0/24"),
          Cidr.parse("203.0.113.0/24"),
          // The old 6to4 relay anycast range.
          Cidr.parse("192.88.99.0/24"),
          Cidr.parse("192.168.0.0/16"),
          Cidr.parse("198.18.0.0/15"),
          // Azure's host endpoint (DNS, DHCP, health), reachable from every VM.
          Cidr.parse("168.63.129.16/32"),
          Cidr.parse("224.0.0.0/4"),
          Cidr.parse("240.0.0.0/4"),
          // IPv4-compatible (::a.b.c.d, with :: and ::1) and IPv4-translated (::ffff:0:a.b.c.d)
          // addresses, NAT64, 6to4 and Teredo all embed an IPv4 address, which may be a private
          // one.
          Cidr.parse("::/96"),
          Cidr.parse("::ffff:0:0:0/96"),
          Cidr.parse("64:ff9b::/96"),
          Cidr.parse("64:ff9b:1::/48"),
          Cidr.parse("2002::/16"),
          Cidr.parse("2001::/32"),
          // Discard-only and documentation prefixes.
          Cidr.parse("100::/64"),
          Cidr.parse("2001:db8::/32"),
          Cidr.parse("fc00::/7"),
          Cidr.parse("fe80::/10"),
          // Site-local: deprecated, still routed inside some networks.
          Cidr.parse("fec0::/10"),
          Cidr.parse("ff00::/8"));

  private final List<Cidr> allowed;

  public AddressPolicy(List<Cidr> allowed) {
    this.allowed = List.copyOf(allowed);
  }

  public static AddressPolicy fromConfig(List<String> allowedNetworks) {
    return new AddressPolicy(allowedNetworks.stream().map(Cidr::parse).toList());
  }

  public boolean permits(InetAddress address) {
    InetAddress effective = unwrapMappedIpv4(address);
    for (Cidr network : allowed) {
      if (network.contains(effective)) {
        return true;
      }
    }
    for (Cidr network : REFUSED) {
      if (network.contains(effective)) {
        return false;
      }
    }
    return true;
  }

  /** ::ffff:a.b.c.d reaches a.b.c.d, so it is judged as a.b.c.d. */
  private static InetAddress unwrapMappedIpv4(InetAddress address) {
    if (address instanceof Inet6Address) {
      byte[] b = address.getAddress();
      boolean mapped = true;
      for (int i = 0; i < 10; i++) {
        mapped &= b[i] == 0;
      }
      mapped &= b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
      if (mapped) {
        try {
          return Inet4Address.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (java.net.UnknownHostException e) {
          return address;
        }
      }
    }
    return address;
  }
}
