package dev.fanout.delivery.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;

/**
 * The SSRF guard. Every target is looked up through this resolver, and the HTTP client connects
 * only to the addresses it returned (kept for a while by {@link ResolvedNames}, the resolver the
 * client is given), so the address that was checked is the address that is connected to: there is
 * no second lookup for a DNS-rebinding attacker to answer differently.
 *
 * <p>Refused addresses are filtered out; when none is left, the lookup fails with {@link
 * BlockedTargetException} and no connection is attempted.
 */
final class GuardedDnsResolver implements DnsResolver {
  private final AddressPolicy policy;
  private final DnsResolver delegate;

  GuardedDnsResolver(AddressPolicy policy) {
    this(policy, SystemDefaultDnsResolver.INSTANCE);
  }

  GuardedDnsResolver(AddressPolicy policy, DnsResolver delegate) {
    this.policy = policy;
    this.delegate = delegate;
  }

  @Override
  public InetAddress[] resolve(String host) throws UnknownHostException {
    InetAddress[] all = delegate.resolve(host);
    InetAddress[] permitted =
        Arrays.stream(all).filter(policy::permits).toArray(InetAddress[]::new);
    if (permitted.length == 0) {
      // The addresses stay out of the message: it reaches the dead-letter topic, and the internal
      // addresses a name resolves to are not the subscriber's business.
      throw new BlockedTargetException("target " + host + " resolves only to refused addresses");
    }
    return permitted;
  }

  @Override
  public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
    return Arrays.stream(resolve(host)).map(a -> new InetSocketAddress(a, port)).toList();
  }

  @Override
  public String resolveCanonicalHostname(String host) throws UnknownHostException {
    return delegate.resolveCanonicalHostname(host);
  }
}
