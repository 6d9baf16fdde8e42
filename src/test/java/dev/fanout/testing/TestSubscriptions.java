package dev.fanout.testing;

import dev.fanout.subscription.EventPattern;
import dev.fanout.subscription.Subscription;
import java.net.URI;
import java.util.List;

/** Subscriptions for unit tests: unsigned, matching {@code job.*}, no rate limit unless asked. */
public final class TestSubscriptions {
  public static final String SPACE = "space_1";

  private TestSubscriptions() {}

  public static Subscription subscription(String id, URI url) {
    return subscription(id, SPACE, url, true, null);
  }

  public static Subscription subscription(
      String id, String spaceId, URI url, boolean enabled, Integer rateLimitPerSecond) {
    return new Subscription(
        id,
        spaceId,
        url,
        List.of(new EventPattern("job.*")),
        enabled,
        null,
        null,
        null,
        "",
        rateLimitPerSecond,
        new byte[0]);
  }
}
