package dev.fanout.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The operations port: {@code GET /metrics} (Prometheus text), {@code GET /health/live} and {@code
 * GET /health/ready}. Nothing else: no page names a webhook, a URL or a secret (only {@code
 * /metrics} names hosts, and only with {@code metrics.per-endpoint=true}).
 *
 * <p>It must answer an orchestrator's probes whatever else connects, so no client can hold it:
 *
 * <pre>
 *   accept + read (1 event-loop thread, non-blocking: an idle or half-sent request costs a buffer)
 *     ├─ more than {@value #MAX_CONNECTIONS} open connections: the new one is closed at once
 *     ├─ nothing read for {@link #READ_TIMEOUT}: closed
 *     ├─ no whole request within {@link #CONNECTION_DEADLINE} of connecting (a slow drip): closed
 *     └─ a whole request (line ≤ 4 KiB, headers ≤ 8 KiB, body ≤ 1 KiB)
 *          ─► {@value #HANDLER_THREADS} handler threads (a scrape never delays a probe's read)
 *          ─► response, then the connection is closed
 * </pre>
 *
 * Netty does the reading and parsing; it is already on the classpath for {@code fanout bench}. The
 * JDK's server reads each request on its executor's threads without a read timeout, so a half-sent
 * request held one of them for ever.
 */
public final class ManagementServer implements AutoCloseable {
  static final int MAX_CONNECTIONS = 512;
  static final int HANDLER_THREADS = 2;
  static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
  static final Duration CONNECTION_DEADLINE = Duration.ofSeconds(10);
  private static final int MAX_BODY_BYTES = 1024;

  private final EventLoopGroup loop;
  private final EventExecutorGroup handlers;
  private final Channel channel;
  private final AtomicInteger connections = new AtomicInteger();

  /**
   * Binds and starts serving.
   *
   * @param bindAddress the address to listen on ({@code management.bind-address})
   * @param port the port; 0 picks a free one
   * @throws IllegalStateException when the port cannot be bound
   */
  public ManagementServer(
      String bindAddress,
      int port,
      PrometheusMeterRegistry registry,
      BooleanSupplier live,
      BooleanSupplier ready)
      throws InterruptedException {
    loop = new NioEventLoopGroup(1, new DefaultThreadFactory("fanout-management-io", true));
    handlers =
        new DefaultEventExecutorGroup(
            HANDLER_THREADS, new DefaultThreadFactory("fanout-management", true));
    Routes routes = new Routes(registry, live, ready);
    ConnectionLimit limit = new ConnectionLimit();
    try {
      channel =
          new ServerBootstrap()
              .group(loop)
              .channel(NioServerSocketChannel.class)
              .option(ChannelOption.SO_BACKLOG, 128)
              .option(ChannelOption.SO_REUSEADDR, true)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline()
                          .addLast(limit)
                          .addLast(
                              new ReadTimeoutHandler(
                                  READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                          .addLast(new Deadline())
                          .addLast(new HttpServerCodec(4096, 8192, 8192))
                          .addLast(new HttpObjectAggregator(MAX_BODY_BYTES))
                          .addLast(handlers, routes);
                    }
                  })
              .bind(new InetSocketAddress(bindAddress, port))
              .sync()
              .channel();
    } catch (InterruptedException e) {
      shutdown();
      throw e;
    } catch (Exception e) { // Netty rethrows a BindException unchecked
      shutdown();
      throw new IllegalStateException(
          "cannot listen on the management port " + bindAddress + ":" + port + ": " + e, e);
    }
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    shutdown();
  }

  /** The event loop first: it closes the open connections, whose handlers still run. */
  private void shutdown() {
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    handlers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  /** Closes a new connection at once while {@value #MAX_CONNECTIONS} are open. */
  @ChannelHandler.Sharable
  private final class ConnectionLimit extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      if (connections.incrementAndGet() > MAX_CONNECTIONS) {
        ctx.close();
        return;
      }
      super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      connections.decrementAndGet();
      super.channelInactive(ctx);
    }
  }

  /**
   * Closes a connection {@link #CONNECTION_DEADLINE} after it opened: a client that sends a byte
   * every few seconds resets the read timeout, not this. Every response closes its connection
   * anyway, so no well-behaved client meets it.
   */
  private static final class Deadline extends ChannelInboundHandlerAdapter {
    private ScheduledFuture<?> close;

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      close =
          ctx.executor()
              .schedule(
                  () -> {
                    ctx.close();
                  },
                  CONNECTION_DEADLINE.toMillis(),
                  TimeUnit.MILLISECONDS);
      super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      if (close != null) {
        close.cancel(false);
      }
      super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // a read timeout, a reset: nothing to answer
    }
  }

  /** Answers the three paths; runs on the handler threads. */
  @ChannelHandler.Sharable
  private static final class Routes extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String TEXT = "text/plain; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final BooleanSupplier live;
    private final BooleanSupplier ready;

    Routes(PrometheusMeterRegistry registry, BooleanSupplier live, BooleanSupplier ready) {
      this.registry = registry;
      this.live = live;
      this.ready = ready;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      if (!request.decoderResult().isSuccess()) {
        respond(ctx, HttpResponseStatus.BAD_REQUEST, TEXT, "bad request\n");
        return;
      }
      String path = new QueryStringDecoder(request.uri()).path();
      boolean known =
          path.equals("/metrics") || path.equals("/health/live") || path.equals("/health/ready");
      if (!known) {
        respond(ctx, HttpResponseStatus.NOT_FOUND, TEXT, "not found\n");
      } else if (!request.method().equals(HttpMethod.GET)) {
        respond(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT, "GET only\n");
      } else if (path.equals("/metrics")) {
        respond(ctx, HttpResponseStatus.OK, PROMETHEUS_TEXT, registry.scrape());
      } else {
        boolean ok = path.equals("/health/live") ? live.getAsBoolean() : ready.getAsBoolean();
        String body =
            path.equals("/health/live")
                ? (ok ? "live\n" : "stopped\n")
                : (ok ? "ready\n" : "not ready\n");
        respond(
            ctx, ok ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, TEXT, body);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }

    private static void respond(
        ChannelHandlerContext ctx, HttpResponseStatus status, String type, String body) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      FullHttpResponse response =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
