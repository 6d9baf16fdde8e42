package dev.fanout.delivery.http;

import java.util.Locale;
import org.apache.hc.client5.http.psl.DomainType;
import org.apache.hc.client5.http.psl.PublicSuffixMatcher;
import org.apache.hc.client5.http.psl.PublicSuffixMatcherLoader;

/**
 * The domain a host name's lookups are budgeted under ({@link ResolvedNames}): its registrable
 * domain, the public suffix plus one label ({@code a.slow.example.co.uk} → {@code example.co.uk}),
 * from the ICANN section of the Public Suffix List that HttpClient bundles.
 *
 * <p>Why the registrable domain: whoever registers one controls the name servers of every name
 * under it, so the slow names of one subscriber share one budget however many they make up, and
 * each further budget costs a registration. The private section (hosting platforms such as {@code
 * herokuapp.com}) is left out on purpose: its tenants do not run their platform's name servers. A
 * name under no known suffix ({@code .test}, {@code .invalid}, {@code .internal}) counts under its
 * last two labels; an IP literal under itself.
 */
final class LookupDomains {
  private static final PublicSuffixMatcher SUFFIXES = PublicSuffixMatcherLoader.getDefault();

  private LookupDomains() {}

  static String of(String host) {
    String name = host.toLowerCase(Locale.ROOT);
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    if (name.indexOf(':') >= 0 || name.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
      return name; // an IP literal: no name server to budget
    }
    String root = SUFFIXES.getDomainRoot(name, DomainType.ICANN);
    if (root != null) {
      return root;
    }
    int last = name.lastIndexOf('.');
    int secondLast = last > 0 ? name.lastIndexOf('.', last - 1) : -1;
    return secondLast < 0 ? name : name.substring(secondLast + 1);
  }
}
