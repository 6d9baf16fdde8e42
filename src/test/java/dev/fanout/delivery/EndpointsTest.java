package dev.fanout.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class EndpointsTest {

  @Test
  void httpsWithoutPortUses443() {
    assertThat(Endpoints.key(URI.create("https://hooks.example.com/y42")))
        .isEqualTo("https://hooks.example.com:443");
  }

  @Test
  void httpWithoutPortUses80() {
    assertThat(Endpoints.key(URI.create("http://hooks.example.com/y42")))
        .isEqualTo("http://hooks.example.com:80");
  }

  @Test
  void explicitPortIsKept() {
    assertThat(Endpoints.key(URI.create("http://127.0.0.1:8080/hook")))
        .isEqualTo("http://127.0.0.1:8080");
  }

  @Test
  void pathQueryAndCaseDoNotChangeTheEndpoint() {
    assertThat(Endpoints.key(URI.create("HTTPS://Hooks.Example.COM/a?x=1")))
        .isEqualTo(Endpoints.key(URI.create("https://hooks.example.com:443/b")));
  }

  @Test
  void differentPortsAreDifferentEndpoints() {
    assertThat(Endpoints.key(URI.create("https://hooks.example.com:8443/")))
        .isNotEqualTo(Endpoints.key(URI.create("https://hooks.example.com/")));
  }

  @Test
  void schemeSeparatesEndpoints() {
    assertThat(Endpoints.key(URI.create("http://hooks.example.com:443/")))
        .isNotEqualTo(Endpoints.key(URI.create("https://hooks.example.com/")));
  }
}
