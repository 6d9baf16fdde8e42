package dev.fanout.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * A benchmark endpoint on 127.0.0.1: answers 200 after a fixed latency, or 500 ({@code failing}),
 * or never ({@code blackHole}). Counts what it accepted and records the end-to-end latency of each
 * request from the {@code "sent_ns":<System.nanoTime()>} field the benchmark writes into bodies.
 */
final class BenchReceiver implements AutoCloseable {
  enum Behaviour {
    HEALTHY,
    FAILING,
    BLACK_HOLE
  }

  private static final byte[] SENT_FIELD = "\"sent_ns\":".getBytes(StandardCharsets.US_ASCII);

  private final Channel channel;
  private final LongAdder accepted = new LongAdder();
  private final ConcurrentHistogram latencyMicros;

  BenchReceiver(
      EventLoopGroup group, Behaviour behaviour, long latencyMillis, ConcurrentHistogram latency)
      throws InterruptedException {
    this.latencyMicros = latency;
    channel =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(4 * 1024 * 1024))
                        .addLast(new Handler(behaviour, latencyMillis));
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .sync()
            .channel();
  }

  URI url() {
    return URI.create(
        "http://127.0.0.1:" + ((InetSocketAddress) channel.localAddress()).getPort() + "/hook");
  }

  long accepted() {
    return accepted.sum();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Behaviour behaviour;
    private final long latencyMillis;

    Handler(Behaviour behaviour, long latencyMillis) {
      this.behaviour = behaviour;
      this.latencyMillis = latencyMillis;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      if (behaviour == Behaviour.BLACK_HOLE) {
        return; // read, never answer
      }
      long now = System.nanoTime();
      HttpResponseStatus status;
      if (behaviour == Behaviour.FAILING) {
        status = HttpResponseStatus.INTERNAL_SERVER_ERROR;
      } else {
        status = HttpResponseStatus.OK;
        accepted.increment();
        long sent = sentNanos(request.content());
        if (sent != NO_TIMESTAMP) {
          latencyMicros.recordValue(Math.max(0, (now - sent) / 1000));
        }
      }
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
      if (latencyMillis > 0) {
        ctx.executor()
            .schedule(() -> ctx.writeAndFlush(response), latencyMillis, TimeUnit.MILLISECONDS);
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

  /** Reads the number after {@code "sent_ns":}; {@link #NO_TIMESTAMP} when absent. */
  static long sentNanos(ByteBuf body) {
    int start = body.readerIndex();
    int end = body.writerIndex();
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
