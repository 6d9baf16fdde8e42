package dev.fanout.cli;

import java.util.function.Predicate;

/**
 * The tools that only {@code target/fanout.jar} carries: the embedded Kafka broker ({@code demo},
 * {@code worker --embedded-kafka}, {@code bench} without brokers) and the bench receivers (Netty,
 * HdrHistogram). {@code target/fanout-worker.jar}, the jar the container image runs, leaves them
 * out; a command that needs one fails with one line naming the jar to use instead of a {@code
 * NoClassDefFoundError} halfway through.
 */
final class BundledTools {
  static final String BROKER_CLASS = "kafka.server.KafkaRaftServer";
  static final String NETTY_CLASS = "io.netty.channel.Channel";
  static final String HDR_HISTOGRAM_CLASS = "org.HdrHistogram.Histogram";

  private final Predicate<String> present;

  BundledTools(Predicate<String> present) {
    this.present = present;
  }

  /** The tools on this process's class path. */
  static BundledTools onClassPath() {
    return new BundledTools(BundledTools::loadable);
  }

  void requireEmbeddedBroker(String command) {
    require(command, "the embedded Kafka broker", BROKER_CLASS);
  }

  void requireBenchReceivers(String command) {
    require(command, "the bench receivers (Netty, HdrHistogram)", NETTY_CLASS, HDR_HISTOGRAM_CLASS);
  }

  private void require(String command, String what, String... classNames) {
    for (String className : classNames) {
      if (!present.test(className)) {
        throw new CommandFailure(
            "'"
                + command
                + "' needs "
                + what
                + ", which this jar leaves out (it is the production worker jar);"
                + " run it with target/fanout.jar");
      }
    }
  }

  private static boolean loadable(String className) {
    try {
      Class.forName(className, false, BundledTools.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
