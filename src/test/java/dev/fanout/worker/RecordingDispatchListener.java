package dev.fanout.worker;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every call, in order, for assertions. */
final class RecordingDispatchListener implements DispatchListener {
  record Matched(String eventType, int webhooks) {}

  final List<Matched> matched = new CopyOnWriteArrayList<>();
  final List<String> rejected = new CopyOnWriteArrayList<>();
  final List<String> cancelled = new CopyOnWriteArrayList<>();

  @Override
  public void matched(String eventType, int webhooks) {
    matched.add(new Matched(eventType, webhooks));
  }

  @Override
  public void rejected(String reason) {
    rejected.add(reason);
  }

  @Override
  public void cancelled(String eventType) {
    cancelled.add(eventType);
  }
}
