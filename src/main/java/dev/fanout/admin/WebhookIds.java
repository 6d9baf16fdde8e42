package dev.fanout.admin;

import java.security.SecureRandom;
import java.util.Base64;

/** Ids of new webhooks: {@code wh_} and 22 URL-safe random characters (128 bits). */
public final class WebhookIds {
  private static final SecureRandom RANDOM = new SecureRandom();

  private WebhookIds() {}

  public static String newId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return "wh_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
