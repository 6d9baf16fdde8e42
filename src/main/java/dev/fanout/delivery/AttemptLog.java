package dev.fanout.delivery;

import dev.fanout.event.TraceContext;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One log line per delivery attempt, on the logger {@value #LOGGER} at INFO, with the ids an
 * operator searches by as fields:
 *
 * <pre>
 * {"loggerName":"dev.fanout.attempts","formattedMessage":"attempt 2 of dlv_… to wh_…: retry (http_status 500, 12 ms)",
 *  "event_id":"evt_1","event_type":"job.failed","webhook_id":"wh_…","delivery_id":"dlv_…","attempt":2,
 *  "outcome":"retry","status":500,"error":"http_status","latency_ms":12,"trace_id":"4bf9…"}
 * </pre>
 *
 * {@code outcome} is {@code delivered}, {@code retry} or {@code dead_lettered}; {@code status} is 0
 * without a response; {@code error} is the failure's class (a dead-letter reason), never its
 * message, which may quote a URL; {@code trace_id} is there when the event carried a valid {@code
 * traceparent}. No body, header value or secret. At high rates, {@code log.attempts=false} turns
 * the logger off and this listener then costs one level check per attempt. Thread-safe.
 */
public final class AttemptLog implements DeliveryListener {
  public static final String LOGGER = "dev.fanout.attempts";
  private static final Logger log = LoggerFactory.getLogger(LOGGER);

  @Override
  public void attemptFinished(DeliveryTask task, Outcome outcome, Duration elapsed) {
    if (!log.isInfoEnabled()) {
      return;
    }
    String result;
    int status;
    String error;
    if (outcome instanceof Outcome.Delivered d) {
      result = "delivered";
      status = d.status();
      error = null;
    } else if (outcome instanceof Outcome.Retry r) {
      result = "retry";
      status = r.status();
      error = r.reason();
    } else {
      Outcome.DeadLetter d = (Outcome.DeadLetter) outcome;
      result = "dead_lettered";
      status = d.status();
      error = d.reason();
    }
    long millis = elapsed.toMillis();
    LoggingEventBuilder line =
        log.atInfo()
            .addKeyValue("event_id", task.event().id())
            .addKeyValue("event_type", task.event().type())
            .addKeyValue("webhook_id", task.subscription().id())
            .addKeyValue("delivery_id", task.deliveryId())
            .addKeyValue("attempt", task.attempts())
            .addKeyValue("outcome", result)
            .addKeyValue("status", status);
    if (error != null) {
      line = line.addKeyValue("error", error);
    }
    line = line.addKeyValue("latency_ms", millis);
    TraceContext trace = TraceContext.from(task.origin().headers());
    if (trace != null) {
      line = line.addKeyValue("trace_id", trace.traceId());
    }
    line.log(
        "attempt {} of {} to {}: {}",
        task.attempts(),
        task.deliveryId(),
        task.subscription().id(),
        error == null
            ? result + " (" + status + ", " + millis + " ms)"
            : result + " (" + error + " " + status + ", " + millis + " ms)");
  }
}
