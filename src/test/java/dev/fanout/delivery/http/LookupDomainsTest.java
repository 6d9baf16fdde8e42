package dev.fanout.delivery.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LookupDomainsTest {

  @Test
  void namesCountUnderTheirRegistrableDomain() {
    assertThat(LookupDomains.of("a.b.slow.example.com")).isEqualTo("example.com");
    assertThat(LookupDomains.of("hooks.example.co.uk")).isEqualTo("example.co.uk");
    assertThat(LookupDomains.of("Hooks.Example.COM.")).isEqualTo("example.com");
  }

  @Test
  void tenantsOfAHostingPlatformShareItsDomainSinceItRunsTheirNameServers() {
    assertThat(LookupDomains.of("tenant-1.herokuapp.com")).isEqualTo("herokuapp.com");
  }

  @Test
  void namesUnderNoKnownSuffixCountUnderTheirLastTwoLabels() {
    assertThat(LookupDomains.of("a.slow.test")).isEqualTo("slow.test");
    assertThat(LookupDomains.of("x.y.hooks.invalid")).isEqualTo("hooks.invalid");
    assertThat(LookupDomains.of("localhost")).isEqualTo("localhost");
  }

  @Test
  void addressLiteralsCountUnderThemselves() {
    assertThat(LookupDomains.of("127.0.0.1")).isEqualTo("127.0.0.1");
    assertThat(LookupDomains.of("::1")).isEqualTo("::1");
  }
}
