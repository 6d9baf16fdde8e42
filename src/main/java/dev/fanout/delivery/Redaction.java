package dev.fanout.delivery;

import dev.fanout.signing.Signer;
import dev.fanout.signing.SigningSecret;
import dev.fanout.subscription.Subscription;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Takes out of a response snippet what must never be stored: an endpoint may echo the request's
 * headers back, or print its own configuration. Every occurrence of these becomes {@value #MARK}:
 *
 * <pre>
 *   x-y42-signature sent     the whole value, its hex (lower and upper case)
 *   webhook-signature sent   the whole value, each entry, each entry's base64
 *   the webhook's secrets    current and previous: as given, and a whsec_ secret's base64 key
 *   base64 and secrets       also as JSON encoders write them: "/" as "\/", "+" as its six-character
 *                            escape (a backslash, then u002B)
 * </pre>
 *
 * Longer values are taken out first, so a whole header value leaves no part behind. When the
 * snippet was cut, a tail of at least {@value #MIN_TAIL} characters that starts one of them is
 * taken out too: the cap may fall inside an echoed signature. Used by the delivery engine, the one
 * place that holds both the request sent and its subscription. Thread-safe.
 */
public final class Redaction {
  public static final String MARK = "[redacted]";

  /** Shortest cut-off tail taken for the start of a value; shorter ones say nothing of it. */
  static final int MIN_TAIL = 8;

  private static final String WHSEC = "whsec_";

  private Redaction() {}

  /** The snippet without what {@code request} and {@code subscription} must keep to themselves. */
  public static ResponseSnippet apply(
      ResponseSnippet snippet, WebhookRequest request, Subscription subscription) {
    List<String> values = values(request, subscription);
    if (values.isEmpty()) {
      return snippet;
    }
    String text = redact(snippet.text(), values, snippet.truncated());
    String contentType =
        snippet.contentType() == null ? null : redact(snippet.contentType(), values, false);
    return text.equals(snippet.text()) && contentType == snippet.contentType()
        ? snippet
        : new ResponseSnippet(contentType, text, snippet.truncated());
  }

  /** Every form of every value to take out, longest first. */
  static List<String> values(WebhookRequest request, Subscription subscription) {
    List<String> values = new ArrayList<>();
    for (WebhookRequest.Header header : request.headers()) {
      if (header.name().equalsIgnoreCase(WebhookRequests.Y42_SIGNATURE)) {
        String value = header.value();
        add(values, value);
        if (value.startsWith(Signer.Y42_PREFIX)) {
          String hex = value.substring(Signer.Y42_PREFIX.length());
          add(values, hex);
          add(values, hex.toUpperCase(Locale.ROOT));
        }
      } else if (header.name().equalsIgnoreCase(WebhookRequests.STANDARD_SIGNATURE)) {
        add(values, header.value());
        for (String entry : header.value().split(" ")) {
          add(values, entry);
          int comma = entry.indexOf(',');
          if (comma >= 0) {
            addJsonForms(values, entry.substring(comma + 1));
          }
        }
      }
    }
    if (subscription != null) {
      addSecret(values, subscription.secret());
      addSecret(values, subscription.previousSecret());
    }
    values.sort(Comparator.comparingInt(String::length).reversed());
    return values;
  }

  private static void addSecret(List<String> values, SigningSecret secret) {
    if (secret == null || secret.problem() != null) {
      return;
    }
    String text = secret.reveal();
    addJsonForms(values, text);
    if (text.startsWith(WHSEC)) {
      addJsonForms(values, text.substring(WHSEC.length()));
    }
  }

  /**
   * A value as it is, and as a JSON encoder may write it: {@code /} as {@code \/} (PHP's default)
   * and {@code +} as its six-character escape, a backslash then {@code u002B} (.NET's default).
   * Base64 holds both.
   */
  private static void addJsonForms(List<String> values, String value) {
    add(values, value);
    add(values, value.replace("/", "\\/"));
    add(values, value.replace("+", "\\u002B"));
  }

  private static void add(List<String> values, String value) {
    if (value != null && !value.isEmpty() && !values.contains(value)) {
      values.add(value);
    }
  }

  /** {@code text} with every value (longest first) replaced, and a cut-off start of one. */
  static String redact(String text, List<String> values, boolean cut) {
    String result = text;
    for (String value : values) {
      result = result.replace(value, MARK);
    }
    if (cut) {
      result = withoutCutOffValue(result, values);
    }
    return result;
  }

  /** The text without a tail of {@link #MIN_TAIL} or more characters that starts a value. */
  private static String withoutCutOffValue(String text, List<String> values) {
    int longest = 0;
    for (String value : values) {
      int from = Math.max(0, text.length() - (value.length() - 1));
      for (int start = from; start <= text.length() - MIN_TAIL; start++) {
        int tail = text.length() - start;
        if (tail <= longest) {
          break;
        }
        if (value.regionMatches(0, text, start, tail)) {
          longest = tail;
          break;
        }
      }
    }
    return longest == 0 ? text : text.substring(0, text.length() - longest) + MARK;
  }
}
