package dev.fanout.worker;

import java.util.List;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;

/** What a consumer loop subscribes to: named topics, or every topic whose name matches. */
public sealed interface Topics {
  void subscribe(Consumer<?, ?> consumer, ConsumerRebalanceListener listener);

  record Named(List<String> names) implements Topics {
    @Override
    public void subscribe(Consumer<?, ?> consumer, ConsumerRebalanceListener listener) {
      consumer.subscribe(names, listener);
    }
  }

  /** Topics that exist now or appear later, such as every retry tier ever written. */
  record Matching(Pattern pattern) implements Topics {
    @Override
    public void subscribe(Consumer<?, ?> consumer, ConsumerRebalanceListener listener) {
      consumer.subscribe(pattern, listener);
    }
  }
}
