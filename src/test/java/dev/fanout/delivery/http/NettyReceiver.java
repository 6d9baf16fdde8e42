package dev.fanout.delivery.http;

import dev.fanout.bench.LoopbackHttpServer;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * A fast HTTP endpoint on 127.0.0.1 (Netty) for tests and the load driver: answers every request at
 * once with 200 and a body of a chosen size, and counts the TCP connections it accepted. When a
 * request carries {@code X-Sent-Ns} (a {@link System#nanoTime()} of the same JVM) it records the
 * time from then to arrival. Its threads are named {@code receiver-*}.
 */
final class NettyReceiver implements AutoCloseable {
  static final String SENT_HEADER = "X-Sent-Ns";

  private final EventLoopGroup group;
  private final Channel channel;
  private final byte[] responseBody;
  private final long delayMillis;
  private final LongAdder connectionsOpened = new LongAdder();
  private final AtomicInteger connectionsOpen = new AtomicInteger();
  private final AtomicInteger mostConnectionsOpen = new AtomicInteger();
  private final LongAdder requests = new LongAdder();
  private final ConcurrentHistogram arrivalMicros = new ConcurrentHistogram(3);

  NettyReceiver() throws InterruptedException {
    this(1, 0, 0);
  }

  NettyReceiver(int threads, int responseBytes, long delayMillis) throws InterruptedException {
    this.responseBody = new byte[responseBytes];
    this.delayMillis = delayMillis;
    this.group = new NioEventLoopGroup(threads, new DefaultThreadFactory("receiver", true));
    this.channel = LoopbackHttpServer.bind(group, 4096, ConnectionCounter::new, Answer::new);
  }

  URI url(String path) {
    return LoopbackHttpServer.url(channel, path);
  }

  /** TCP connections accepted since start. */
  long connectionsOpened() {
    return connectionsOpened.sum();
  }

  /** TCP connections open now. */
  int connectionsOpen() {
    return connectionsOpen.get();
  }

  /** The most connections open at once since start. */
  int mostConnectionsOpen() {
    return mostConnectionsOpen.get();
  }

  long requests() {
    return requests.sum();
  }

  /** Microseconds from {@code X-Sent-Ns} to arrival, of the requests that carried it. */
  ConcurrentHistogram arrivalMicros() {
    return arrivalMicros;
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private final class ConnectionCounter extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      connectionsOpened.increment();
      mostConnectionsOpen.accumulateAndGet(connectionsOpen.incrementAndGet(), Math::max);
      super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      connectionsOpen.decrementAndGet();
      super.channelInactive(ctx);
    }
  }

  private final class Answer extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      long now = System.nanoTime();
      requests.increment();
      String sent = request.headers().get(SENT_HEADER);
      if (sent != null) {
        arrivalMicros.recordValue(Math.max(0, (now - Long.parseLong(sent)) / 1000));
      }
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(responseBody));
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, responseBody.length);
      if (delayMillis > 0) {
        ctx.executor()
            .schedule(() -> ctx.writeAndFlush(response), delayMillis, TimeUnit.MILLISECONDS);
      } else {
        ctx.writeAndFlush(response);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
