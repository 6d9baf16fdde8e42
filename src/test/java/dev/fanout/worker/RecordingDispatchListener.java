package dev.fanout.worker;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every call, in order, for assertions. */
public final class RecordingDispatchListener implements DispatchListener {
  public record Matched(String eventType, int webhooks) {}

  public final List<Matched> matched = new CopyOnWriteArrayList<>();
  public final List<String> rejected = new CopyOnWriteArrayList<>();
  public final List<String> cancelled = new CopyOnWriteArrayList<>();

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
