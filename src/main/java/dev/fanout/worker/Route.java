package dev.fanout.worker;

import dev.fanout.delivery.DeliveryTask;
import java.time.Instant;
import java.util.List;

/** What a consumed record asks of the dispatcher. */
public sealed interface Route {
  /** Deliver these tasks; the record is finished when all of them are. */
  record Deliver(List<DeliveryTask> tasks) implements Route {}

  /** Dead-letter the record; it is finished when the dead-letter record is durable. */
  record DeadLetter(dev.fanout.deadletter.DeadLetter deadLetter) implements Route {}

  /** Nothing to do (no webhook matches, or the webhook is gone): finished now. */
  record Skip() implements Route {}

  /** Not due for long: hand the task to a later tier as it is, using up no attempt. */
  record Park(DeliveryTask task, Instant dueAt) implements Route {}

  /** Not yet: the record, and everything behind it in its partition, waits until {@code dueAt}. */
  record NotBefore(Instant dueAt) implements Route {}
}
