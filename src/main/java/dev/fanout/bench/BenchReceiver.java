package dev.fanout.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A benchmark host on 127.0.0.1 (one port) serving any number of webhooks, each on its own path,
 * each path with its own behaviour ({@link Route}): healthy paths answer 200 after the receiver
 * latency, failing ones 500 at once, black-holed ones never. Unknown paths get 404.
 *
 * <p>Everything seen goes to the run's {@link DeliveryLedger}: requests per webhook, accepted
 * requests and their delivery ids, and for healthy paths the produce-to-receive latency read from
 * the {@code "sent_ns":<System.nanoTime()>} field of stamped bodies.
 */
final class BenchReceiver implements AutoCloseable {
  static final String DELIVERY_HEADER = "x-y42-delivery";
  private static final byte[] SENT_FIELD = "\"sent_ns\":".getBytes(StandardCharsets.US_ASCII);

  private final Channel channel;

  BenchReceiver(EventLoopGroup group, DeliveryLedger ledger, long latencyMillis)
      throws InterruptedException {
    channel = LoopbackHttpServer.bind(group, 1024, null, () -> new Handler(ledger, latencyMillis));
  }

  /** The URL of a path on this host. */
  URI url(String path) {
    return LoopbackHttpServer.url(channel, path);
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
  }

  private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final DeliveryLedger ledger;
    private final long latencyMillis;

    Handler(DeliveryLedger ledger, long latencyMillis) {
      this.ledger = ledger;
      this.latencyMillis = latencyMillis;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      Route route = Route.parse(request.uri());
      if (route == null) {
        answer(ctx, HttpResponseStatus.NOT_FOUND, 0);
        return;
      }
      ledger.requested(route);
      switch (route.behaviour()) {
        case BLACK_HOLE -> {} // read, never answer
        case FAILING -> answer(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, 0);
        case HEALTHY -> {
          long sent = sentNanos(request.content());
          long latency = sent == NO_TIMESTAMP ? -1 : Math.max(0, (System.nanoTime() - sent) / 1000);
          ledger.accepted(route, request.headers().get(DELIVERY_HEADER), latency);
          answer(ctx, HttpResponseStatus.OK, latencyMillis);
        }
      }
    }

    private static void answer(
        ChannelHandlerContext ctx, HttpResponseStatus status, long afterMillis) {
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
      if (afterMillis > 0) {
        ctx.executor()
            .schedule(() -> ctx.writeAndFlush(response), afterMillis, TimeUnit.MILLISECONDS);
      } else {
        ctx.writeAndFlush(response);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  static final long NO_TIMESTAMP = Long.MIN_VALUE;

  /** The benchmark writes the send time near the start of a body; no need to read further. */
  private static final int HEAD_BYTES = 256;

  /**
   * Reads the number after {@code "sent_ns":} in the first {@value #HEAD_BYTES} bytes; {@link
   * #NO_TIMESTAMP} when absent.
   */
  static long sentNanos(ByteBuf body) {
    int start = body.readerIndex();
    int end = Math.min(body.writerIndex(), start + HEAD_BYTES);
    outer:
    for (int i = start; i <= end - SENT_FIELD.length; i++) {
      for (int j = 0; j < SENT_FIELD.length; j++) {
        if (body.getByte(i + j) != SENT_FIELD[j]) {
          continue outer;
        }
      }
      long value = 0;
      boolean negative = false;
      int k = i + SENT_FIELD.length;
      if (k < end && body.getByte(k) == '-') {
        negative = true;
        k++;
      }
      for (; k < end; k++) {
        byte b = body.getByte(k);
        if (b < '0' || b > '9') {
          break;
        }
        value = value * 10 + (b - '0');
      }
      return negative ? -value : value;
    }
    return NO_TIMESTAMP;
  }
}
