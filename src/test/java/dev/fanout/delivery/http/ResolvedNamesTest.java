package dev.fanout.delivery.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.fanout.delivery.HttpResult;
import dev.fanout.delivery.Outcome;
import dev.fanout.delivery.OutcomeClassifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
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
    return names(service, new ResolvedNames.Budget(8, 4, Duration.ofHours(1)));
  }

  private ResolvedNames names(DnsResolver service, ResolvedNames.Budget budget) {
    return new ResolvedNames(
        new GuardedDnsResolver(policy, service), Duration.ofSeconds(30), now::get, budget);
  }

  /**
   * A name service where every name under {@code slow.test} never answers until {@code silence} is
   * lifted, and every other name answers at once with a public literal address: no query leaves the
   * machine.
   */
  private DnsResolver silentFor(String domain, CountDownLatch silence, List<String> asked) {
    return new DnsResolver() {
      @Override
      public InetAddress[] resolve(String host) throws UnknownHostException {
        asked.add(host);
        if (host.endsWith("." + domain)) {
          try {
            silence.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnknownHostException(host + ": interrupted");
          }
        }
        return new InetAddress[] {InetAddress.getByName("93.184.215.14")};
      }

      @Override
      public String resolveCanonicalHostname(String host) {
        return host;
      }
    };
  }

  @Test
  void oneDomainWithSilentNameServersDoesNotStallTheNamesOfOthers() throws Exception {
    CountDownLatch silence = new CountDownLatch(1);
    List<String> asked = new CopyOnWriteArrayList<>();
    try (ResolvedNames names =
        names(
            silentFor("slow.test", silence, asked),
            new ResolvedNames.Budget(4, 2, Duration.ofHours(1)))) {
      List<CompletableFuture<Void>> slow = new ArrayList<>();
      for (String label : List.of("a", "b", "c", "d", "e", "f", "g", "h")) {
        slow.add(names.lookUp(label + ".slow.test"));
      }

      // Two hold a thread each; the others are refused at once, to be retried.
      assertThat(slow.subList(0, 2)).allMatch(f -> !f.isDone());
      for (CompletableFuture<Void> refused : slow.subList(2, 8)) {
        assertThat(refused).isCompletedExceptionally();
        assertThatThrownBy(refused::join)
            .hasCauseInstanceOf(ResolvedNames.LookupBudgetException.class)
            .hasMessageEndingWith("DNS lookups for slow.test are saturated");
      }
      names.lookUp("hooks.fast.test").get(30, TimeUnit.SECONDS);
      names.lookUp("other.example").get(30, TimeUnit.SECONDS);
      assertThat(names.knows("hooks.fast.test")).isTrue();
      assertThat(names.knows("other.example")).isTrue();
      assertThat(asked).doesNotContain("c.slow.test", "h.slow.test");
    } finally {
      silence.countDown();
    }
  }

  @Test
  void callersAreReleasedAtTheTimeLimitWhileTheLookupKeepsItsPlaceUntilItAnswers()
      throws Exception {
    CountDownLatch silence = new CountDownLatch(1);
    List<String> asked = new CopyOnWriteArrayList<>();
    try (ResolvedNames names =
        names(
            silentFor("slow.test", silence, asked),
            new ResolvedNames.Budget(2, 1, Duration.ofMillis(50)))) {
      CompletableFuture<Void> stuck = names.lookUp("a.slow.test");

      assertThatThrownBy(() -> stuck.get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(ResolvedNames.LookupBudgetException.class)
          .hasMessageEndingWith("DNS lookup of a.slow.test took longer than 50 ms");
      assertThat(names.overdueLookups()).isEqualTo(1);
      // The same name fails at once without a second call; the domain's place is still taken.
      assertThat(names.lookUp("a.slow.test")).isCompletedExceptionally();
      assertThat(names.lookUp("b.slow.test")).isCompletedExceptionally();
      assertThatThrownBy(() -> names.lookUp("b.slow.test").join())
          .hasMessageEndingWith("DNS lookups for slow.test are saturated");
      assertThat(asked).containsExactly("a.slow.test");

      silence.countDown();

      // The late answer is kept, and the place is free again.
      await().atMost(Duration.ofSeconds(30)).until(() -> names.overdueLookups() == 0);
      assertThat(names.knows("a.slow.test")).isTrue();
      names.lookUp("b.slow.test").get(30, TimeUnit.SECONDS);
    } finally {
      silence.countDown();
    }
  }

  @Test
  void aBudgetFailureIsARetriedConnectionFailureThatSaysWhy() {
    HttpResult.Failure failure =
        Exchange.failure(
            new ResolvedNames.LookupBudgetException("DNS lookups for slow.test are saturated"),
            URI.create("https://a.slow.test/hook"));

    assertThat(failure)
        .isEqualTo(
            new HttpResult.Failure(
                HttpResult.Kind.CONNECT, "DNS lookups for slow.test are saturated"));
    assertThat(OutcomeClassifier.classify(failure)).isInstanceOf(Outcome.Retry.class);
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
