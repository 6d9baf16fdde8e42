package dev.fanout.worker;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Turns a consumed record into a {@link Route}. Called on the dispatcher's thread only. */
public interface RecordRouter {
  Route route(ConsumerRecord<byte[], byte[]> record);
}
