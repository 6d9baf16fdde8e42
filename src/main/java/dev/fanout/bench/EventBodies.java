package dev.fanout.bench;

import java.nio.charset.StandardCharsets;

/** The benchmark's events: envelopes of about a given size, in the space all webhooks watch. */
final class EventBodies {
  static final String SPACE = "bench";

  private EventBodies() {}

  /**
   * An event envelope of about {@code size} bytes. A stamped one carries the time it is made
   * ({@code "sent_ns"}), from which the receivers record produce-to-receive latency; the others are
   * load only.
   */
  static byte[] body(long id, int size, boolean stamped) {
    String head =
        "{\"id\":\"evt_"
            + id
            + "\",\"type\":\"job.failed\",\"space_id\":\""
            + SPACE
            + "\",\"data\":{"
            + (stamped ? "\"sent_ns\":" + System.nanoTime() + "," : "")
            + "\"pad\":\"";
    int pad = Math.max(0, size - head.length() - 3);
    return (head + "x".repeat(pad) + "\"}}").getBytes(StandardCharsets.UTF_8);
  }
}
