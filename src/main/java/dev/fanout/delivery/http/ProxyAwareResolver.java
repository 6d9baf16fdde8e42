package dev.fanout.delivery.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;

/**
 * With {@code delivery.proxy} set the client only ever connects to the proxy, which an operator
 * chose and which usually sits on a private network: it is resolved without the guard. Targets are
 * checked by the sender, through the guard, before their request is handed to the proxy ({@link
 * ApacheHttpWebhookSender}).
 */
final class ProxyAwareResolver implements DnsResolver {
  private final String proxyHost;
  private final DnsResolver guarded;

  ProxyAwareResolver(String proxyHost, DnsResolver guarded) {
    this.proxyHost = proxyHost;
    this.guarded = guarded;
  }

  @Override
  public InetAddress[] resolve(String host) throws UnknownHostException {
    if (host.equalsIgnoreCase(proxyHost)) {
      return SystemDefaultDnsResolver.INSTANCE.resolve(host);
    }
    return guarded.resolve(host);
  }

  @Override
  public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
    return java.util.Arrays.stream(resolve(host)).map(a -> new InetSocketAddress(a, port)).toList();
  }

  @Override
  public String resolveCanonicalHostname(String host) throws UnknownHostException {
    return guarded.resolveCanonicalHostname(host);
  }
}
