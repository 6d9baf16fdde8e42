package dev.fanout.delivery.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hc.client5.http.DnsResolver;
import org.junit.jupiter.api.Test;

/** Only IP literals are used as answers: no real name service is asked. */
class ResolvedNamesTest {
  private final AtomicLong now = new AtomicLong();
  private final AtomicInteger lookups = new AtomicInteger();
  private final AddressPolicy policy = AddressPolicy.fromConfig(List.of());

  /** A name service that knows a few names, counts its lookups, and is always instant. */
  private final DnsResolver nameService =
      new DnsResolver() {
        private final Map<String, String> known =
            Map.of("hooks.example", "93.184.215.14", "metadata.example", "169.254.169.254");

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
          lookups.incrementAndGet();
          String address = known.get(host);
          if (address == null) {
            throw new UnknownHostException(host);
          }
          return new InetAddress[] {InetAddress.getByName(address)};
        }

        @Override
        public String resolveCanonicalHostname(String host) {
          return host;
        }
      };

  private ResolvedNames names(DnsResolver service) {
    return new ResolvedNames(
        new GuardedDnsResolver(policy, service), Duration.ofSeconds(30), now::get);
  }

  @Test
  void answersOnlyNamesLookedUpBefore() throws Exception {
    try (ResolvedNames names = names(nameService)) {
      assertThatThrownBy(() -> names.resolve("hooks.example", 443))
          .isInstanceOf(ResolvedNames.NotResolvedYetException.class);
      assertThat(lookups).hasValue(0);

      names.lookUp("hooks.example").get();

      assertThat(names.resolve("hooks.example", 443))
          .containsExactly(new InetSocketAddress(InetAddress.getByName("93.184.215.14"), 443));
      names.resolve("hooks.example", 443);
      assertThat(lookups).hasValue(1);
    }
  }

  @Test
  void aTargetTheGuardRefusesFailsItsLookupAndIsNotKept() throws Exception {
    try (ResolvedNames names = names(nameService)) {
      CompletableFuture<Void> lookup = names.lookUp("metadata.example");

      assertThatThrownBy(lookup::get)
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(BlockedTargetException.class);
      assertThatThrownBy(() -> names.resolve("metadata.example", 80))
          .isInstanceOf(ResolvedNames.NotResolvedYetException.class);
    }
  }

  @Test
  void anUnknownNameFailsItsLookup() {
    try (ResolvedNames names = names(nameService)) {
      assertThatThrownBy(() -> names.lookUp("nowhere.example").get())
          .hasCauseInstanceOf(UnknownHostException.class);
    }
  }

  @Test
  void forgetsAnAnswerAfterItsLifetime() throws Exception {
    try (ResolvedNames names = names(nameService)) {
      names.lookUp("hooks.example").get();
      now.addAndGet(Duration.ofSeconds(29).toNanos());
      names.resolve("hooks.example", 443);

      now.addAndGet(Duration.ofSeconds(1).toNanos());

      assertThatThrownBy(() -> names.resolve("hooks.example", 443))
          .isInstanceOf(ResolvedNames.NotResolvedYetException.class);
    }
  }

  @Test
  void concurrentLookupsOfOneNameShareOneCall() throws Exception {
    CountDownLatch answer = new CountDownLatch(1);
    DnsResolver slow =
        new DnsResolver() {
          @Override
          public InetAddress[] resolve(String host) throws UnknownHostException {
            try {
              answer.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return nameService.resolve(host);
          }

          @Override
          public String resolveCanonicalHostname(String host) {
            return host;
          }
        };
    try (ResolvedNames names = names(slow)) {
      CompletableFuture<Void> first = names.lookUp("hooks.example");
      CompletableFuture<Void> second = names.lookUp("hooks.example");
      answer.countDown();

      CompletableFuture.allOf(first, second).get();
      assertThat(lookups).hasValue(1);
    }
  }
}
