package dev.fanout.bench;

/**
 * How a benchmark receiver answers one webhook's path. The path itself names the behaviour, so a
 * receiver (one host:port) can serve healthy and troubled webhooks side by side.
 */
enum Behaviour {
  /** Answers 200 after the receiver latency: {@code /hook/<webhook>}. */
  HEALTHY("hook"),
  /** Answers 500 at once: {@code /fail/<webhook>}. */
  FAILING("fail"),
  /** Reads the request and never answers: {@code /hole/<webhook>}. */
  BLACK_HOLE("hole");

  private final String segment;

  Behaviour(String segment) {
    this.segment = segment;
  }

  String segment() {
    return segment;
  }
}
