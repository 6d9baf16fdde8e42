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
import java.util.function.LongSupplier;
import org.apache.hc.client5.http.DnsResolver;

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
 * lookup thread, not all of them. Failed lookups are not kept. Thread-safe.
 */
final class ResolvedNames implements DnsResolver, AutoCloseable {
  private static final int LOOKUP_THREADS = 8;
  // Bounds memory when deliveries spread over very many hosts; expired answers go first.
  private static final int MAX_NAMES = 10_000;

  private record Answer(InetAddress[] addresses, long expiresAtNanos) {}

  private final DnsResolver names;
  private final long lifetimeNanos;
  private final LongSupplier nanoTime;
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Void>> lookups = new ConcurrentHashMap<>();
  private final ExecutorService lookupThreads =
      Executors.newFixedThreadPool(
          LOOKUP_THREADS,
          r -> {
            Thread t = new Thread(r, "fanout-http-lookup");
            t.setDaemon(true);
            return t;
          });

  /**
   * @param names the guarded resolver that does the lookups
   * @param lifetime how long an answer is used; it must outlast the wait of a request for a
   *     connection, so a request that was looked up for is not told its name is unknown
   */
  ResolvedNames(DnsResolver names, Duration lifetime, LongSupplier nanoTime) {
    this.names = names;
    this.lifetimeNanos = lifetime.toNanos();
    this.nanoTime = nanoTime;
  }

  /**
   * Looks {@code host} up through the guard on a lookup thread and keeps the answer. The future
   * fails with the lookup's {@link UnknownHostException} ({@link BlockedTargetException} for a
   * refused target).
   */
  CompletableFuture<Void> lookUp(String host) {
    CompletableFuture<Void> started = new CompletableFuture<>();
    CompletableFuture<Void> lookup = lookups.putIfAbsent(host, started);
    if (lookup != null) {
      return lookup;
    }
    try {
      lookupThreads.execute(() -> lookUpNow(host, started));
    } catch (RejectedExecutionException closed) {
      lookups.remove(host, started);
      started.completeExceptionally(new UnknownHostException(host + ": sender closed"));
    }
    return started;
  }

  private void lookUpNow(String host, CompletableFuture<Void> lookup) {
    try {
      InetAddress[] addresses = names.resolve(host);
      keep(host, addresses);
      lookups.remove(host, lookup);
      lookup.complete(null);
    } catch (UnknownHostException | RuntimeException e) {
      lookups.remove(host, lookup);
      lookup.completeExceptionally(e);
    }
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
    lookups.values().forEach(l -> l.completeExceptionally(new UnknownHostException("closed")));
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
