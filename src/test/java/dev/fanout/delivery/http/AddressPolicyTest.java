package dev.fanout.delivery.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Only IP literals are used: {@link InetAddress#getByName} parses them without any lookup. */
class AddressPolicyTest {
  private final AddressPolicy production = AddressPolicy.fromConfig(List.of());

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1",
        "127.255.255.254",
        "10.0.0.1",
        "10.255.255.255",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.1",
        "169.254.169.254",
        "169.254.0.1",
        "100.64.0.1",
        "100.127.255.255",
        "0.0.0.0",
        "224.0.0.1",
        "239.255.255.250",
        "255.255.255.255",
        "::1",
        "::",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254"
      })
  void refusesNonPublicAddresses(String literal) throws UnknownHostException {
    assertThat(production.permits(InetAddress.getByName(literal))).isFalse();
  }

  /** NAT64 (64:ff9b::/96, 64:ff9b:1::/48) and 6to4 (2002::/16) reach an embedded IPv4 address. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "64:ff9b::7f00:1",
        "64:ff9b::a9fe:a9fe",
        "64:ff9b::808:808",
        "64:ff9b:1::a00:1",
        "64:ff9b:1:ffff::1",
        "2002:7f00:1::1",
        "2002:a9fe:a9fe::1",
        "2002:808:808::1"
      })
  void refusesNat64And6to4AddressesThatEmbedIpv4(String literal) throws UnknownHostException {
    assertThat(production.permits(InetAddress.getByName(literal))).isFalse();
  }

  /** Ranges that embed an IPv4 address or are never a real subscriber, IPv4 and IPv6. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "::127.0.0.1", // IPv4-compatible
        "::10.0.0.1",
        "::8.8.8.8",
        "::ffff:0:127.0.0.1", // IPv4-translated (SIIT)
        "::ffff:0:a9fe:a9fe",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2", // Teredo
        "2001::1",
        "fec0::1", // site-local
        "feff:ffff::1",
        "192.0.2.1", // TEST-NET-1
        "198.51.100.7", // TEST-NET-2
        "203.0.113.254", // TEST-NET-3
        "192.88.99.1", // 6to4 relay anycast
        "2001:db8::1", // documentation
        "2001:db8:ffff::1",
        "100::1", // discard-only
        "100::ffff:ffff:ffff:ffff",
        "168.63.129.16", // Azure host endpoint
        "::ffff:168.63.129.16"
      })
  void refusesRangesThatEmbedIpv4OrAreNeverASubscriber(String literal) throws UnknownHostException {
    assertThat(production.permits(InetAddress.getByName(literal))).as(literal).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"168.63.129.17", "203.0.114.1", "2001:1::1", "100:0:0:1::1", "fe00::1"})
  void allowsTheNeighboursOfThoseRanges(String literal) throws UnknownHostException {
    assertThat(production.permits(InetAddress.getByName(literal))).as(literal).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "8.8.8.8",
        "1.1.1.1",
        "2001:4860::8888",
        "2606:4700:4700::1111",
        "172.32.0.1",
        "100.128.0.1",
        "::ffff:8.8.8.8",
        "64:ff9a:ffff:ffff:ffff:ffff:ffff:ffff",
        "64:ff9b:2::1",
        "2003::1"
      })
  void allowsPublicAddresses(String literal) throws UnknownHostException {
    assertThat(production.permits(InetAddress.getByName(literal))).isTrue();
  }

  @Test
  void refusesIpv4MappedLoopbackHeldAsIpv6Address() throws UnknownHostException {
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};
    InetAddress address = Inet6Address.getByAddress(null, mapped, -1);

    assertThat(address).isInstanceOf(Inet6Address.class);
    assertThat(production.permits(address)).isFalse();
  }

  @Test
  void allowedNetworkOverridesTheRefusal() throws UnknownHostException {
    AddressPolicy tests = AddressPolicy.fromConfig(List.of("127.0.0.0/8", "fd00::/8"));

    assertThat(tests.permits(InetAddress.getByName("127.0.0.1"))).isTrue();
    assertThat(tests.permits(InetAddress.getByName("::ffff:127.0.0.1"))).isTrue();
    assertThat(tests.permits(InetAddress.getByName("fd00::5"))).isTrue();
  }

  @Test
  void allowedNetworkDoesNotOpenOtherPrivateRanges() throws UnknownHostException {
    AddressPolicy tests = AddressPolicy.fromConfig(List.of("127.0.0.0/8"));

    assertThat(tests.permits(InetAddress.getByName("10.0.0.1"))).isFalse();
    assertThat(tests.permits(InetAddress.getByName("169.254.169.254"))).isFalse();
    assertThat(tests.permits(InetAddress.getByName("::1"))).isFalse();
  }

  @Test
  void narrowAllowedNetworkOpensOnlyItsOwnAddresses() throws UnknownHostException {
    AddressPolicy tests = AddressPolicy.fromConfig(List.of("10.1.2.0/24"));

    assertThat(tests.permits(InetAddress.getByName("10.1.2.200"))).isTrue();
    assertThat(tests.permits(InetAddress.getByName("10.1.3.1"))).isFalse();
  }
}
