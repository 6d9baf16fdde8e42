package dev.fanout.delivery.http;

import dev.fanout.delivery.HttpResult;
import dev.fanout.delivery.ResponseSnippet;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.entity.AbstractBinDataConsumer;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Reads a response's status and {@code Retry-After}, and drains its body. Of the body, at most the
 * first {@code snippetBytes} are kept (for delivery history; {@link SnippetBuffer}), and nothing
 * when that is 0: then no buffer is made and nothing is allocated per chunk. A body longer than the
 * cap ends the exchange early (the connection is then closed, not reused); the status read before
 * still decides the outcome.
 *
 * <p>The client calls {@link #releaseResources} last, after it has handed the connection back to
 * the pool (or closed it); {@code released} runs then.
 *
 * <p>Not built on the client's {@code AbstractBinResponseConsumer}: that one parses the {@code
 * Content-Type} first and fails the whole exchange when it names a charset Java does not know, so a
 * 2xx with {@code charset=x-custom} would count as a connection failure, and be sent again.
 */
final class DrainingResponseConsumer extends AbstractBinDataConsumer
    implements AsyncResponseConsumer<HttpResult.Response> {
  private static final int WINDOW = 16 * 1024;

  private static final String CONTENT_TYPE = "Content-Type";

  private final long maxBytes;
  private final int snippetBytes;
  private final Runnable released;
  private long read;
  private volatile HttpResult.Response response;
  private volatile SnippetBuffer snippet;
  private volatile FutureCallback<HttpResult.Response> resultCallback;

  /**
   * @param snippetBytes body bytes to keep, 0 to {@link ResponseSnippet#MAX_BYTES}; 0 keeps none
   */
  DrainingResponseConsumer(long maxBytes, int snippetBytes, Runnable released) {
    this.maxBytes = maxBytes;
    this.snippetBytes = snippetBytes;
    this.released = released;
  }

  /** Thrown to stop reading a body past the cap. */
  static final class BodyTooLongException extends IOException {
    private static final long serialVersionUID = 1L;

    BodyTooLongException() {
      super("response body longer than the cap");
    }
  }

  /**
   * The status line, once read, with what was kept of a body that did not end; null before the
   * status line.
   */
  HttpResult.Response response() {
    return withSnippet(false);
  }

  @Override
  public void consumeResponse(
      HttpResponse httpResponse,
      EntityDetails entityDetails,
      HttpContext context,
      FutureCallback<HttpResult.Response> resultCallback) {
    this.resultCallback = resultCallback;
    start(httpResponse);
    if (entityDetails == null) {
      completed(); // no body
    }
  }

  @Override
  public void informationResponse(HttpResponse response, HttpContext context) {}

  /** The body ended (or there was none). */
  @Override
  protected void completed() {
    resultCallback.completed(buildResult());
  }

  /** Failures reach the exchange's own callback; nothing to undo here. */
  @Override
  public void failed(Exception cause) {}

  void start(HttpResponse httpResponse) {
    if (snippetBytes > 0) {
      Header type = httpResponse.getFirstHeader(CONTENT_TYPE);
      snippet = new SnippetBuffer(snippetBytes, type == null ? null : type.getValue());
    }
    response = new HttpResult.Response(httpResponse.getCode(), retryAfter(httpResponse));
  }

  /** Bytes held for the snippet: 0 while none is kept (for tests). */
  int snippetCapacity() {
    SnippetBuffer kept = snippet;
    return kept == null ? 0 : kept.capacity();
  }

  HttpResult.Response buildResult() {
    return withSnippet(true);
  }

  private HttpResult.Response withSnippet(boolean ended) {
    HttpResult.Response status = response;
    SnippetBuffer kept = snippet;
    if (status == null || kept == null) {
      return status;
    }
    ResponseSnippet body = kept.snippet(ended);
    return body == null
        ? status
        : new HttpResult.Response(status.status(), status.retryAfter(), body);
  }

  @Override
  protected int capacityIncrement() {
    return WINDOW;
  }

  @Override
  protected void data(ByteBuffer src, boolean endOfStream) throws IOException {
    SnippetBuffer kept = snippet;
    if (kept != null) {
      kept.keep(src);
    }
    read += src.remaining();
    src.position(src.limit());
    if (read > maxBytes) {
      throw new BodyTooLongException();
    }
  }

  @Override
  public void releaseResources() {
    released.run();
  }

  /** Seconds or an HTTP date; null when absent, unreadable or in the past. */
  static Duration retryAfter(HttpResponse httpResponse) {
    Header header = httpResponse.getFirstHeader("Retry-After");
    if (header == null || header.getValue() == null) {
      return null;
    }
    String value = header.getValue().trim();
    try {
      long seconds = Long.parseLong(value);
      return seconds >= 0 ? Duration.ofSeconds(seconds) : null;
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration wait = Duration.between(Instant.now(), at);
        return wait.isNegative() ? null : wait;
      } catch (DateTimeParseException notADate) {
        return null;
      }
    }
  }
}
