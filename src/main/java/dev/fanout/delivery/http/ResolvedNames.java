package dev.fanout.delivery.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.apache.hc.client5.http.DnsResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resolver the HTTP client connects through: it answers only from names looked up before, and
 * never waits for a name service. A name not looked up yet (or whose answer is older than {@code
 * lifetime}) fails at once with {@link NotResolvedYetException}, before any connection is made; the
 * sender then {@link #lookUp looks it up} on a thread of its own and hands the request, which never
 * left, to the client again.
 *
 * <pre>
 *   send ─► client.execute (caller's thread) ─► idle connection? ─ yes ─► request goes out
 *                                                   └ no: resolve(host) ─ known ─► connect
 *                                                                     └ unknown ─► NotResolvedYet
 *   NotResolvedYet ─► lookUp(host) on a lookup thread ─► guarded answer kept ─► execute again
 * </pre>
 *
 * So the thread that calls {@code send}, and the I/O thread that may connect a waiting request, are
 * never held up by a slow or silent DNS server. Lookups go through {@code names}, the SSRF guard
 * ({@link GuardedDnsResolver}, or {@link ProxyAwareResolver} with a proxy), and only what it
 * returns is kept: the addresses connected to are the addresses it checked, with no second lookup.
 * Concurrent lookups of one name share one call, so a name whose DNS server is silent holds one
 * lookup thread, not all of them. Failed lookups are not kept.
 *
 * <p>Budgets, so that one subscriber's silent name servers cannot hold every lookup thread and
 * stall the new names of everyone else:
 *
 * <ul>
 *   <li>At most {@code perDomain} names of one registrable domain ({@link LookupDomains}: {@code
 *       a.slow.example}, {@code b.slow.example}, … all count under {@code slow.example}) are looked
 *       up at once. A further name of that domain fails at once with {@link LookupBudgetException}
 *       ("DNS lookups for slow.example are saturated"), a connection failure, retried on the
 *       schedule like any other (it uses up an attempt; only a schedule run out dead-letters it).
 *   <li>Callers wait at most {@code timeout} for a lookup. Then they are released with {@link
 *       LookupBudgetException}, also retried. Nothing can interrupt a thread inside the JDK's
 *       resolver, so the thread stays busy until its call returns; until then the lookup keeps its
 *       place in its domain's budget, later callers for that name fail at once instead of starting
 *       another call, and {@link #overdueLookups} counts it. An answer that comes late is kept.
 * </ul>
 *
 * A domain with {@code perDomain} silent names thus holds that many threads at most: it takes
 * {@code threads / perDomain} registrable domains, each with silent name servers, to hold them all.
 * Thread-safe.
 */
final class ResolvedNames implements DnsResolver, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ResolvedNames.class);
  // Bounds memory when deliveries spread over very many hosts; expired answers go first.
  private static final int MAX_NAMES = 10_000;

  private record Answer(InetAddress[] addresses, long expiresAtNanos) {}

  /**
   * @param threads lookups running at once, in all
   * @param perDomain lookups running at once for the names of one registrable domain
   * @param timeout how long callers wait for a lookup, time waiting for a thread included
   */
  record Budget(int threads, int perDomain, Duration timeout) {
    Budget {
      if (threads < 1 || perDomain < 1 || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("lookup budget out of range: " + this);
      }
    }
  }

  /** One name's lookup: its callers share the future. */
  private static final class Lookup {
    static final int RUNNING = 0;
    static final int OVERDUE = 1; // callers released at the time limit; the call goes on
    static final int ENDED = 2;

    final String host;
    final String domain;
    final CompletableFuture<Void> callers = new CompletableFuture<>();
    final AtomicInteger state = new AtomicInteger(RUNNING);

    Lookup(String host, String domain) {
      this.host = host;
      this.domain = domain;
    }
  }

  private final DnsResolver names;
  private final long lifetimeNanos;
  private final LongSupplier nanoTime;
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final Map<String, Lookup> lookups = new ConcurrentHashMap<>();
  // Per registrable domain: lookups holding a place in its budget (running, or queued for a
  // thread).
  private final Map<String, Integer> domainLookups = new ConcurrentHashMap<>();
  private final AtomicInteger overdue = new AtomicInteger();
  private final int perDomain;
  private final Duration timeout;
  private final Deadlines deadlines;
  private final ExecutorService lookupThreads;

  /**
   * @param names the guarded resolver that does the lookups
   * @param lifetime how long an answer is used; it must outlast the wait of a request for a
   *     connection, so a request that was looked up for is not told its name is unknown
   */
  ResolvedNames(DnsResolver names, Duration lifetime, LongSupplier nanoTime, Budget budget) {
    this.names = names;
    this.lifetimeNanos = lifetime.toNanos();
    this.nanoTime = nanoTime;
    this.perDomain = budget.perDomain();
    this.timeout = budget.timeout();
    this.deadlines = new Deadlines(budget.timeout());
    this.lookupThreads =
        Executors.newFixedThreadPool(
            budget.threads(),
            r -> {
              Thread t = new Thread(r, "fanout-http-lookup");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Looks {@code host} up through the guard on a lookup thread and keeps the answer. The future
   * fails with the lookup's {@link UnknownHostException} ({@link BlockedTargetException} for a
   * refused target, {@link LookupBudgetException} when the host's domain has its most lookups
   * running or the lookup outlasts its time).
   */
  CompletableFuture<Void> lookUp(String host) {
    Lookup running = lookups.get(host);
    if (running != null) {
      return running.callers;
    }
    String domain = LookupDomains.of(host);
    if (!takePlace(domain)) {
      return CompletableFuture.failedFuture(
          new LookupBudgetException("DNS lookups for " + domain + " are saturated"));
    }
    Lookup lookup = new Lookup(host, domain);
    running = lookups.putIfAbsent(host, lookup);
    if (running != null) {
      releasePlace(domain);
      return running.callers;
    }
    Deadlines.Ticket ticket = deadlines.add(() -> expire(lookup));
    lookup.callers.whenComplete((ok, failed) -> ticket.done());
    try {
      lookupThreads.execute(() -> lookUpNow(lookup));
    } catch (RejectedExecutionException closed) {
      end(lookup);
      lookup.callers.completeExceptionally(new UnknownHostException(host + ": sender closed"));
    }
    return lookup.callers;
  }

  private void lookUpNow(Lookup lookup) {
    if (lookup.state.get() != Lookup.RUNNING) {
      // Its time ran out while it waited for a thread: its callers are gone; a later send asks
      // again.
      end(lookup);
      return;
    }
    try {
      InetAddress[] addresses = names.resolve(lookup.host);
      keep(lookup.host, addresses); // an answer that comes late is kept all the same
      if (end(lookup)) {
        lookup.callers.complete(null);
      }
    } catch (UnknownHostException | RuntimeException e) {
      if (end(lookup)) {
        lookup.callers.completeExceptionally(e);
      }
    }
  }

  /** The lookup's time is up: release its callers; its thread stays busy until the call returns. */
  private void expire(Lookup lookup) {
    overdue.incrementAndGet();
    if (!lookup.state.compareAndSet(Lookup.RUNNING, Lookup.OVERDUE)) {
      overdue.decrementAndGet(); // it ended first
      return;
    }
    lookup.callers.completeExceptionally(
        new LookupBudgetException(
            "DNS lookup of " + lookup.host + " took longer than " + timeout.toMillis() + " ms"));
    LOG.warn(
        "DNS lookup of {} has not answered in {} ms: its deliveries are retried later, and its"
            + " thread stays busy until it answers ({} such lookups now)",
        lookup.host,
        timeout.toMillis(),
        overdue.get());
  }

  /**
   * The lookup's call returned (or will not be made): it leaves the map and its domain's budget.
   * Returns whether its callers still wait for it (it was not overdue).
   */
  private boolean end(Lookup lookup) {
    int before = lookup.state.getAndSet(Lookup.ENDED);
    lookups.remove(lookup.host, lookup);
    releasePlace(lookup.domain);
    if (before == Lookup.OVERDUE) {
      overdue.decrementAndGet();
    }
    return before == Lookup.RUNNING;
  }

  private boolean takePlace(String domain) {
    boolean[] taken = {false};
    domainLookups.compute(
        domain,
        (d, n) -> {
          int count = n == null ? 0 : n;
          if (count >= perDomain) {
            return n;
          }
          taken[0] = true;
          return count + 1;
        });
    return taken[0];
  }

  private void releasePlace(String domain) {
    domainLookups.computeIfPresent(domain, (d, n) -> n <= 1 ? null : n - 1);
  }

  /** Lookups whose callers were released at their time limit, and whose call has not returned. */
  int overdueLookups() {
    return overdue.get();
  }

  private void keep(String host, InetAddress[] addresses) {
    long now = nanoTime.getAsLong();
    if (answers.size() >= MAX_NAMES) {
      answers.values().removeIf(a -> a.expiresAtNanos - now <= 0);
      if (answers.size() >= MAX_NAMES) {
        answers.clear();
      }
    }
    answers.put(host, new Answer(addresses.clone(), now + lifetimeNanos));
  }

  /** Whether {@code host} has an answer that is still used. */
  boolean knows(String host) {
    Answer answer = answers.get(host);
    return answer != null && answer.expiresAtNanos - nanoTime.getAsLong() > 0;
  }

  @Override
  public InetAddress[] resolve(String host) throws UnknownHostException {
    Answer answer = answers.get(host);
    if (answer == null || answer.expiresAtNanos - nanoTime.getAsLong() <= 0) {
      throw new NotResolvedYetException(host);
    }
    return answer.addresses.clone();
  }

  @Override
  public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
    InetAddress[] addresses = resolve(host);
    List<InetSocketAddress> endpoints = new ArrayList<>(addresses.length);
    for (InetAddress address : addresses) {
      endpoints.add(new InetSocketAddress(address, port));
    }
    return endpoints;
  }

  @Override
  public String resolveCanonicalHostname(String host) throws UnknownHostException {
    // Only Kerberos authentication asks for this, and the sender never authenticates.
    return host;
  }

  @Override
  public void close() {
    lookupThreads.shutdownNow();
    lookups
        .values()
        .forEach(l -> l.callers.completeExceptionally(new UnknownHostException("closed")));
    deadlines.close();
  }

  /**
   * A lookup not made, or given up, for its budget: its domain had its most lookups running, or it
   * took longer than its time. A connection failure whose message says which; retried.
   */
  static final class LookupBudgetException extends UnknownHostException {
    private static final long serialVersionUID = 1L;

    LookupBudgetException(String message) {
      super(message);
    }
  }

  /** The client asked for a name no lookup has answered yet: look it up, then send again. */
  static final class NotResolvedYetException extends UnknownHostException {
    private static final long serialVersionUID = 1L;
    private final String host;

    NotResolvedYetException(String host) {
      super(host + " not looked up yet");
      this.host = host;
    }

    String host() {
      return host;
    }
  }
}
