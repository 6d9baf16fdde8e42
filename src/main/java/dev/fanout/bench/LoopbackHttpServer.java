package dev.fanout.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.function.Supplier;

/**
 * An HTTP/1.1 server on a free port of 127.0.0.1 that hands whole requests to a handler: the
 * receivers of the benchmark and of the tests.
 */
public final class LoopbackHttpServer {
  private static final int MAX_REQUEST_BYTES = 4 * 1024 * 1024;

  private LoopbackHttpServer() {}

  /**
   * Binds a server whose every connection gets a new {@code before} handler (null for none), the
   * HTTP codec, an aggregator of whole requests, and a new {@code handler}.
   */
  public static Channel bind(
      EventLoopGroup group,
      int backlog,
      Supplier<? extends ChannelHandler> before,
      Supplier<? extends ChannelHandler> handler)
      throws InterruptedException {
    return new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, backlog)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                if (before != null) {
                  ch.pipeline().addLast(before.get());
                }
                ch.pipeline()
                    .addLast(new HttpServerCodec())
                    .addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES))
                    .addLast(handler.get());
              }
            })
        .bind(new InetSocketAddress("127.0.0.1", 0))
        .sync()
        .channel();
  }

  /** The URL of a path on a bound server. */
  public static URI url(Channel server, String path) {
    return URI.create(
        "http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort() + path);
  }
}
