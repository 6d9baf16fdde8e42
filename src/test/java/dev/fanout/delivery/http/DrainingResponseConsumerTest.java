package dev.fanout.delivery.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fanout.delivery.HttpResult;
import dev.fanout.delivery.ResponseSnippet;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.junit.jupiter.api.Test;

/** The response consumer on its own: which body bytes it keeps, and that it keeps no more. */
class DrainingResponseConsumerTest {
  private static final long NO_LIMIT = Long.MAX_VALUE;

  private static DrainingResponseConsumer started(int snippetBytes, String contentType) {
    DrainingResponseConsumer consumer =
        new DrainingResponseConsumer(NO_LIMIT, snippetBytes, () -> {});
    BasicHttpResponse response = new BasicHttpResponse(500);
    if (contentType != null) {
      response.addHeader("Content-Type", contentType);
    }
    consumer.start(response);
    return consumer;
  }

  private static void feed(DrainingResponseConsumer consumer, byte[]... chunks) throws Exception {
    for (byte[] chunk : chunks) {
      ByteBuffer src = ByteBuffer.wrap(chunk);
      consumer.data(src, false);
      assertThat(src.hasRemaining()).as("every byte is drained").isFalse();
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void keepsExactlyTheFirstBytesAndSaysTheBodyWentOn() throws Exception {
    DrainingResponseConsumer consumer = started(5, "text/plain; charset=utf-8");
    feed(consumer, utf8("hel"), utf8("lo world"));

    assertThat(consumer.buildResult())
        .isEqualTo(
            new HttpResult.Response(
                500, null, new ResponseSnippet("text/plain; charset=utf-8", "hello", true)));
  }

  @Test
  void aBodyOfExactlyTheCapIsWhole() throws Exception {
    DrainingResponseConsumer consumer = started(5, null);
    feed(consumer, utf8("hello"));

    assertThat(consumer.buildResult().snippet())
        .isEqualTo(new ResponseSnippet(null, "hello", false));
  }

  @Test
  void aUtf8SequenceSplitByTheCapIsLeftOutNotReplaced() throws Exception {
    // "aé": 'a', then é as C3 A9; "a€": € as E2 82 AC; "a😀": the emoji as F0 9F 98 80.
    assertThat(cut("aé", 2)).isEqualTo("a");
    assertThat(cut("aé", 3)).isEqualTo("aé");
    assertThat(cut("a€", 2)).isEqualTo("a");
    assertThat(cut("a€", 3)).isEqualTo("a");
    assertThat(cut("a€", 4)).isEqualTo("a€");
    assertThat(cut("a😀", 4)).isEqualTo("a");
    assertThat(cut("a😀", 5)).isEqualTo("a😀");
  }

  /** The snippet of {@code text} followed by more bytes, kept to {@code cap} bytes. */
  private static String cut(String text, int cap) throws Exception {
    DrainingResponseConsumer consumer = started(cap, null);
    feed(consumer, utf8(text + "zzzz"));
    ResponseSnippet snippet = consumer.buildResult().snippet();
    assertThat(snippet.truncated()).isTrue();
    return snippet.text();
  }

  @Test
  void malformedBytesOfAWholeBodyBecomeReplacementCharacters() throws Exception {
    DrainingResponseConsumer consumer = started(16, null);
    feed(consumer, new byte[] {'o', 'k', (byte) 0xFF, (byte) 0xC3});

    assertThat(consumer.buildResult().snippet())
        .isEqualTo(new ResponseSnippet(null, "ok\uFFFD\uFFFD", false));
  }

  @Test
  void drainsALargeBodyHoldingNoMoreThanTheCap() throws Exception {
    DrainingResponseConsumer consumer = started(256, "application/octet-stream");
    byte[] chunk = new byte[16 * 1024];
    Arrays.fill(chunk, (byte) 'x');
    for (int i = 0; i < 512; i++) { // 8 MiB
      feed(consumer, chunk);
      assertThat(consumer.snippetCapacity()).isEqualTo(256);
    }

    ResponseSnippet snippet = consumer.buildResult().snippet();
    assertThat(snippet.text()).isEqualTo("x".repeat(256));
    assertThat(snippet.truncated()).isTrue();
  }

  @Test
  void keepsNothingAndMakesNoBufferWhenSnippetsAreOff() throws Exception {
    DrainingResponseConsumer consumer = started(0, "text/plain");
    feed(consumer, utf8("a body nobody keeps"));

    assertThat(consumer.snippetCapacity()).isZero();
    assertThat(consumer.buildResult()).isEqualTo(new HttpResult.Response(500, null));
  }

  @Test
  void anEmptyBodyHasNoSnippet() throws Exception {
    DrainingResponseConsumer consumer = started(256, "text/plain");

    assertThat(consumer.snippetCapacity()).as("no buffer before a byte came").isZero();
    assertThat(consumer.buildResult()).isEqualTo(new HttpResult.Response(500, null));
  }

  @Test
  void aBodyCutOffMidwayIsKeptAsFarAsItCameAndMarkedCut() throws Exception {
    DrainingResponseConsumer consumer = started(256, null);
    feed(consumer, utf8("{\"error\":"));

    // What the exchange reports when the connection fails after the status line.
    assertThat(consumer.response())
        .isEqualTo(
            new HttpResult.Response(500, null, new ResponseSnippet(null, "{\"error\":", true)));
  }

  @Test
  void aBodyPastTheResponseLimitEndsTheExchangeWithTheSnippetKept() throws Exception {
    DrainingResponseConsumer consumer = new DrainingResponseConsumer(10, 4, () -> {});
    consumer.start(new BasicHttpResponse(200));

    assertThatThrownBy(() -> consumer.data(ByteBuffer.wrap(utf8("0123456789ab")), false))
        .isInstanceOf(DrainingResponseConsumer.BodyTooLongException.class);
    assertThat(consumer.response())
        .isEqualTo(new HttpResult.Response(200, null, new ResponseSnippet(null, "0123", true)));
  }

  @Test
  void aResponseWithoutBodyCompletesAtOnce() throws Exception {
    DrainingResponseConsumer consumer = new DrainingResponseConsumer(NO_LIMIT, 256, () -> {});
    CompletableFuture<HttpResult.Response> result = new CompletableFuture<>();
    BasicHttpResponse noContent = new BasicHttpResponse(204);
    noContent.addHeader("Content-Type", "text/plain; charset=x-unheard-of");

    consumer.consumeResponse(noContent, null, null, callback(result));

    assertThat(result).isCompletedWithValue(new HttpResult.Response(204, null));
  }

  private static <T> FutureCallback<T> callback(CompletableFuture<T> result) {
    return new FutureCallback<>() {
      @Override
      public void completed(T value) {
        result.complete(value);
      }

      @Override
      public void failed(Exception e) {
        result.completeExceptionally(e);
      }

      @Override
      public void cancelled() {
        result.cancel(false);
      }
    };
  }

  @Test
  void aLongContentTypeIsCut() throws Exception {
    DrainingResponseConsumer consumer = started(8, "text/" + "x".repeat(500));
    feed(consumer, utf8("ok"));

    assertThat(consumer.buildResult().snippet().contentType())
        .hasSize(ResponseSnippet.MAX_CONTENT_TYPE_CHARS)
        .startsWith("text/xxx");
  }

  @Test
  void refusesACapOutsideItsRange() {
    assertThatThrownBy(() -> new SnippetBuffer(ResponseSnippet.MAX_BYTES + 1, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("snippet cap must be 1 to 4096 bytes, not 4097");
  }
}
