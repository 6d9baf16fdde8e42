package dev.fanout.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Which receiver (one host:port) serves each webhook of a run, and how. Webhooks are numbered
 * troubled first: black holes, then failing ones, then healthy ones.
 *
 * <pre>
 *   troubled hosts shared     every webhook spread over the R receivers
 *   troubled hosts separate   healthy webhooks spread over the R receivers; each troubled
 *                             webhook on a receiver of its own (R + 1, R + 2, ...)
 *   spread even               webhook k on receiver k mod R
 *   spread skewed             the first half of the webhooks on receiver 0, the rest evenly
 *                             over receivers 1..R-1 (all on 0 when R = 1)
 * </pre>
 *
 * With {@code --receivers 1} and shared troubled hosts, every webhook sits behind one hot host.
 */
record Topology(List<Placement> webhooks, int receivers) {
  enum TroubledHosts {
    SHARED,
    SEPARATE
  }

  enum Spread {
    EVEN,
    SKEWED
  }

  /** One webhook: its number, how its path behaves, and the receiver that serves it. */
  record Placement(int webhook, Behaviour behaviour, int receiver) {
    String path() {
      return Route.path(behaviour, webhook);
    }
  }

  Topology {
    webhooks = List.copyOf(webhooks);
  }

  static Topology of(BenchOptions o) {
    int fanout = o.fanout();
    int troubled = o.blackHoles() + o.failing();
    if (o.receivers() < 1) {
      throw new IllegalArgumentException("--receivers must be at least 1");
    }
    if (troubled >= fanout) {
      throw new IllegalArgumentException(
          "--black-hole plus --failing must leave at least one healthy webhook of --fanout "
              + fanout);
    }
    boolean separate = o.troubledHosts() == TroubledHosts.SEPARATE;
    List<Placement> placements = new ArrayList<>(fanout);
    for (int j = 0; j < fanout; j++) {
      Behaviour behaviour =
          o.allHealthy()
              ? Behaviour.HEALTHY
              : j < o.blackHoles()
                  ? Behaviour.BLACK_HOLE
                  : j < troubled ? Behaviour.FAILING : Behaviour.HEALTHY;
      int receiver;
      if (!separate) {
        receiver = spread(o.spread(), j, fanout, o.receivers());
      } else if (j < troubled) {
        receiver = o.receivers() + j;
      } else {
        receiver = spread(o.spread(), j - troubled, fanout - troubled, o.receivers());
      }
      placements.add(new Placement(j, behaviour, receiver));
    }
    return new Topology(placements, o.receivers() + (separate ? troubled : 0));
  }

  /** The receiver of the k-th of n webhooks spread over r receivers. */
  static int spread(Spread spread, int k, int n, int r) {
    if (spread == Spread.EVEN) {
      return k % r;
    }
    int half = (n + 1) / 2;
    if (k < half || r == 1) {
      return 0;
    }
    return 1 + (k - half) % (r - 1);
  }

  List<Placement> healthy() {
    return webhooks.stream().filter(p -> p.behaviour() == Behaviour.HEALTHY).toList();
  }

  /** "receiver 0: 8 healthy, 1 black hole, 1 failing", "receivers 0-9: 1 healthy each". */
  String describe() {
    List<String> hosts = new ArrayList<>();
    for (int r = 0; r < receivers; r++) {
      hosts.add(composition(r));
    }
    StringBuilder s = new StringBuilder();
    int first = 0;
    for (int r = 1; r <= receivers; r++) {
      if (r == receivers || !hosts.get(r).equals(hosts.get(first))) {
        s.append(s.length() == 0 ? "" : "; ");
        s.append(
            r - first == 1
                ? "receiver " + first + ": " + hosts.get(first)
                : "receivers " + first + "-" + (r - 1) + ": " + hosts.get(first) + " each");
        first = r;
      }
    }
    return s.toString();
  }

  private String composition(int receiver) {
    int[] counts = new int[Behaviour.values().length];
    for (Placement p : webhooks) {
      if (p.receiver() == receiver) {
        counts[p.behaviour().ordinal()]++;
      }
    }
    List<String> parts = new ArrayList<>();
    for (Behaviour b : Behaviour.values()) {
      if (counts[b.ordinal()] > 0) {
        parts.add(counts[b.ordinal()] + " " + label(b));
      }
    }
    return parts.isEmpty() ? "no webhooks" : String.join(", ", parts);
  }

  private static String label(Behaviour b) {
    return switch (b) {
      case HEALTHY -> "healthy";
      case FAILING -> "failing";
      case BLACK_HOLE -> "black hole";
    };
  }
}
