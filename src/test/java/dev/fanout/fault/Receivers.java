package dev.fanout.fault;

import dev.fanout.bench.LoopbackHttpServer;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Webhook endpoints on 127.0.0.1, each on its own port (so each is its own host to the worker),
 * answering as a {@link Behaviour} scripts: a status, after a delay, or a TCP reset. Every request
 * is written to the {@link DeliveryLedger} under its event id (from the body) and its {@code
 * x-y42-webhook-id}; a delivery is recorded once a 2xx answer has been written to the socket.
 * Netty, so a slow answer holds a timer, not a thread.
 */
final class Receivers implements AutoCloseable {
  /** How an endpoint answers its {@code n}th request (from 1), {@code elapsed} after it started. */
  interface Behaviour {
    Answer answer(long n, Duration elapsed);
  }

  /** An answer: a status after a delay, or a reset of the connection instead of any answer. */
  record Answer(int status, long delayMillis, boolean reset) {
    static Answer status(int status) {
      return new Answer(status, 0, false);
    }

    static Answer after(long delayMillis, int status) {
      return new Answer(status, delayMillis, false);
    }

    static Answer resetConnection() {
      return new Answer(0, 0, true);
    }
  }

  static Behaviour answering(Answer answer) {
    return (n, elapsed) -> answer;
  }

  private final EventLoopGroup group =
      new NioEventLoopGroup(2, new DefaultThreadFactory("fault-receiver", true));
  private final List<Channel> channels = new ArrayList<>();
  private final DeliveryLedger ledger;

  Receivers(DeliveryLedger ledger) {
    this.ledger = ledger;
  }

  /** Starts an endpoint on a new port; returns its URL. */
  URI start(String path, Behaviour behaviour) throws InterruptedException {
    Instant started = Instant.now();
    AtomicLong count = new AtomicLong();
    Channel channel =
        LoopbackHttpServer.bind(group, 1024, null, () -> new Endpoint(behaviour, started, count));
    synchronized (channels) {
      channels.add(channel);
    }
    return LoopbackHttpServer.url(channel, path);
  }

  @Override
  public void close() {
    synchronized (channels) {
      channels.forEach(c -> c.close().syncUninterruptibly());
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private final class Endpoint extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Behaviour behaviour;
    private final Instant started;
    private final AtomicLong count;

    Endpoint(Behaviour behaviour, Instant started, AtomicLong count) {
      this.behaviour = behaviour;
      this.started = started;
      this.count = count;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      String body = request.content().toString(StandardCharsets.UTF_8);
      DeliveryLedger.Pair pair =
          new DeliveryLedger.Pair(eventId(body), request.headers().get("x-y42-webhook-id"));
      ledger.requested(pair, request.headers().get("x-y42-delivery"));
      Answer answer =
          behaviour.answer(count.incrementAndGet(), Duration.between(started, Instant.now()));
      if (answer.reset()) {
        // SO_LINGER 0: close() sends RST instead of FIN, as a crashing proxy or server does.
        ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
        ctx.close();
        return;
      }
      Runnable reply = () -> reply(ctx, pair, answer.status());
      if (answer.delayMillis() > 0) {
        ctx.executor().schedule(reply, answer.delayMillis(), TimeUnit.MILLISECONDS);
      } else {
        reply.run();
      }
    }

    private void reply(ChannelHandlerContext ctx, DeliveryLedger.Pair pair, int status) {
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.EMPTY_BUFFER);
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
      ctx.writeAndFlush(response)
          .addListener(
              (ChannelFutureListener)
                  f -> {
                    if (f.isSuccess() && status >= 200 && status < 300) {
                      ledger.delivered(pair, Instant.now());
                    }
                  });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** The event id: the value of the first {@code "id"} field, which the harness writes first. */
  static String eventId(String body) {
    int key = body.indexOf("\"id\":\"");
    if (key < 0) {
      return "";
    }
    int start = key + 6;
    int end = body.indexOf('"', start);
    return end < 0 ? "" : body.substring(start, end);
  }
}
