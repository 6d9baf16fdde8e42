package dev.fanout.cli;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class BundledToolsTest {
  @Test
  void refusesTheDemoInOneLineWhenTheBrokerIsLeftOut() {
    BundledTools slim = new BundledTools(name -> false);

    assertThatThrownBy(() -> slim.requireEmbeddedBroker("demo"))
        .isInstanceOf(CommandFailure.class)
        .hasMessage(
            "'demo' needs the embedded Kafka broker, which this jar leaves out (it is the"
                + " production worker jar); run it with target/fanout.jar");
  }

  @Test
  void refusesTheBenchWhenEitherReceiverLibraryIsLeftOut() {
    BundledTools noHdr = new BundledTools(Set.of(BundledTools.NETTY_CLASS)::contains);

    assertThatThrownBy(() -> noHdr.requireBenchReceivers("bench"))
        .isInstanceOf(CommandFailure.class)
        .hasMessageContaining("'bench' needs the bench receivers");
  }

  @Test
  void findsEveryToolOnTheFullClassPath() {
    BundledTools full = BundledTools.onClassPath();

    assertThatCode(
            () -> {
              full.requireEmbeddedBroker("demo");
              full.requireBenchReceivers("bench");
            })
        .doesNotThrowAnyException();
  }
}
