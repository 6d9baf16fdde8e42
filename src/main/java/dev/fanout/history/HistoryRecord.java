package dev.fanout.history;

import dev.fanout.delivery.ResponseSnippet;
import java.time.Instant;

/**
 * One entry of a delivery's history on {@code topics.attempts}, keyed by its delivery id. Three
 * kinds, told apart by {@code kind}:
 *
 * <pre>
 *   attempt      one HTTP attempt: its number, outcome (delivered | retry | dead_lettered), HTTP
 *                status (0: no response), error class (http_status, timeout, connect, ...), latency
 *   hold         handed to a retry tier without an attempt: outcome circuit_open | endpoint_busy
 *   dead_letter  the delivery was written to the dead-letter topic: error is the dead-letter reason
 * </pre>
 *
 * Never holds the request body, a request header or a secret; {@code message} is the engine's short
 * error text (it names at most the endpoint's host and port), capped at {@value #MAX_MESSAGE_CHARS}
 * characters. An attempt may hold the start of the endpoint's answer ({@code
 * history.response-snippet-bytes}), redacted of the signatures sent and the webhook's secrets.
 *
 * @param attempt the attempt's number within the current replay (1 for the first); for holds and
 *     dead letters, the attempts made so far
 * @param replays times the delivery was replayed from the dead-letter topic or resent from the log
 * @param status the HTTP status, or 0 without a response
 * @param error the error class or dead-letter reason; null when delivered
 * @param latencyMillis the attempt's duration; for holds, the wait before the task is due again
 * @param at when the attempt started, or when the hold or dead letter happened
 * @param response for attempts, the start of the response body and its content type; null when none
 *     was kept (no response, an empty body, snippets off), and for holds and dead letters
 */
public record HistoryRecord(
    String kind,
    String deliveryId,
    String webhookId,
    String eventId,
    String eventType,
    int attempt,
    int replays,
    String outcome,
    int status,
    String error,
    String message,
    long latencyMillis,
    Instant at,
    ResponseSnippet response) {

  public static final String ATTEMPT = "attempt";
  public static final String HOLD = "hold";
  public static final String DEAD_LETTER = "dead_letter";

  public static final String DELIVERED = "delivered";
  public static final String RETRY = "retry";
  public static final String DEAD_LETTERED = "dead_lettered";

  /** Longest {@code message} kept. */
  public static final int MAX_MESSAGE_CHARS = 256;

  public HistoryRecord {
    if (message != null && message.length() > MAX_MESSAGE_CHARS) {
      message = message.substring(0, MAX_MESSAGE_CHARS - 1) + "…";
    }
  }

  /** Whether this entry leaves the delivery failed for now: anything but a delivered attempt. */
  public boolean failed() {
    return !DELIVERED.equals(outcome);
  }
}
