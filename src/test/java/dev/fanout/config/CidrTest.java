package dev.fanout.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

  @Test
  void containsAddressesInsideWholeBytePrefix() throws UnknownHostException {
    Cidr ten = Cidr.parse("10.0.0.0/8");

    assertThat(ten.contains(ip("10.0.0.0"))).isTrue();
    assertThat(ten.contains(ip("10.255.1.2"))).isTrue();
    assertThat(ten.contains(ip("11.0.0.1"))).isFalse();
    assertThat(ten.contains(ip("9.255.255.255"))).isFalse();
  }

  @Test
  void containsAddressesInsidePartialBytePrefix() throws UnknownHostException {
    Cidr net = Cidr.parse("172.16.0.0/12");

    assertThat(net.contains(ip("172.16.0.1"))).isTrue();
    assertThat(net.contains(ip("172.31.255.255"))).isTrue();
    assertThat(net.contains(ip("172.32.0.0"))).isFalse();
    assertThat(net.contains(ip("172.15.255.255"))).isFalse();
  }

  @Test
  void containsIpv6AddressesInsidePrefix() throws UnknownHostException {
    Cidr linkLocal = Cidr.parse("fe80::/10");

    assertThat(linkLocal.contains(ip("fe80::1"))).isTrue();
    assertThat(linkLocal.contains(ip("febf:ffff::1"))).isTrue();
    assertThat(linkLocal.contains(ip("fec0::1"))).isFalse();
  }

  @Test
  void neverContainsAnAddressOfTheOtherFamily() throws UnknownHostException {
    assertThat(Cidr.parse("0.0.0.0/0").contains(ip("::1"))).isFalse();
    assertThat(Cidr.parse("::/0").contains(ip("8.8.8.8"))).isFalse();
  }

  @Test
  void zeroPrefixContainsEveryAddressOfItsFamily() throws UnknownHostException {
    assertThat(Cidr.parse("0.0.0.0/0").contains(ip("203.0.113.9"))).isTrue();
  }

  @Test
  void addressWithoutPrefixIsASingleHost() throws UnknownHostException {
    Cidr host = Cidr.parse("192.0.2.7");

    assertThat(host.prefixLength()).isEqualTo(32);
    assertThat(host.contains(ip("192.0.2.7"))).isTrue();
    assertThat(host.contains(ip("192.0.2.8"))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"10.0.0.0/33", "::/129", "10.0.0.0/x", "10.0.0.0/-1", "example.com/8", "", "/8"})
  void refusesMalformedNetworksNamingTheText(String text) {
    assertThatThrownBy(() -> Cidr.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'");
  }

  /**
   * A name, or a legacy shorthand such as {@code 10.1} or {@code 2130706433}, would reach {@link
   * InetAddress#getByName}: a DNS lookup for names, a surprising network for shorthands.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {"cafe", "dead.beef/16", "face.b00c", "10.1", "127.1/8", "2130706433", "10.0.0/24"})
  void refusesAnythingButDottedQuadsAndIpv6Literals(String text) {
    assertThatThrownBy(() -> Cidr.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'")
        .hasMessageContaining("not a CIDR network");
  }

  @Test
  void acceptsIpv6LiteralsWithEmbeddedIpv4() throws UnknownHostException {
    Cidr nat64 = Cidr.parse("64:ff9b::192.0.2.0/120");

    assertThat(nat64.prefixLength()).isEqualTo(120);
    assertThat(nat64.contains(ip("64:ff9b::c000:205"))).isTrue();
    assertThat(nat64.contains(ip("64:ff9b::c000:305"))).isFalse();
  }

  private static InetAddress ip(String literal) throws UnknownHostException {
    return InetAddress.getByName(literal);
  }
}
