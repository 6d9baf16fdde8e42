package dev.fanout.fault;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * (7) Poison input in the middle of a steady load: records no event parser can use, each in a
 * partition that goes on carrying good events, and garbage on the config topic. Each poison record
 * must be dead-lettered once with its reason, the good events behind it must be delivered, every
 * garbage config record must be skipped and counted by every worker, and no worker may exit.
 */
final class PoisonScenario {
  /** One poison record and the dead-letter reason it must get. */
  record Poison(String label, byte[] value, Map<String, byte[]> headers, String reason) {}

  /** Where a poison record landed. */
  record Written(Poison poison, int partition, long offset) {}

  private static final int MIB = 1024 * 1024;

  private PoisonScenario() {}

  static List<Poison> poisons(String space) {
    byte[] binary = new byte[512];
    new Random(42).nextBytes(binary);
    binary[0] = (byte) 0xFF;
    byte[] hugeHeader = new byte[MIB];
    Arrays.fill(hugeHeader, (byte) 'h');
    String big = EventLoad.json("poison-5mib", space, "x".repeat(5 * MIB));
    return List.of(
        poison("invalid JSON", "{\"id\":\"p1\",\"type\":", Map.of(), "invalid_event"),
        poison("a JSON array", "[{\"id\":\"p2\"}]", Map.of(), "invalid_event"),
        poison(
            "missing space_id",
            "{\"id\":\"p3\",\"type\":\"job.failed\"}",
            Map.of(),
            "invalid_event"),
        poison(
            "id is a number",
            "{\"id\":4,\"type\":\"job.failed\",\"space_id\":\"" + space + "\"}",
            Map.of(),
            "invalid_event"),
        new Poison("binary (512 random bytes)", binary, Map.of(), "invalid_event"),
        new Poison("null value", null, Map.of(), "invalid_event"),
        new Poison("empty value", new byte[0], Map.of(), "invalid_event"),
        poison("5 MiB event (limit 1 MiB)", big, Map.of(), "payload_too_large"),
        poison(
            "1 MiB header on a body that is not JSON",
            "not json",
            Map.of("huge", hugeHeader),
            "invalid_event"));
  }

  private static Poison poison(
      String label, String value, Map<String, byte[]> headers, String reason) {
    return new Poison(label, value.getBytes(StandardCharsets.UTF_8), headers, reason);
  }

  /** Config records the subscription codec must reject, each under its own key. */
  static List<byte[]> garbageConfig() {
    return List.of(
        "not json {{{".getBytes(StandardCharsets.UTF_8),
        "[1,2,3]".getBytes(StandardCharsets.UTF_8),
        "{\"id\":\"wh_garbage_3\",\"space_id\":\"space_0\",\"events\":[\"job.*\"]}"
            .getBytes(StandardCharsets.UTF_8),
        "{\"id\":\"someone_else\",\"space_id\":\"space_0\",\"url\":\"http://127.0.0.1:1/x\",\"events\":[\"job.*\"]}"
            .getBytes(StandardCharsets.UTF_8),
        new byte[] {(byte) 0xC3, 0x28, 0x00, (byte) 0xFF});
  }

  static ScenarioResult run(Scenarios.Scale scale) throws Exception {
    Instant start = Instant.now();
    try (FaultRun run = new FaultRun("poison", Scenarios.healthy(), Map.of())) {
      List<byte[]> garbage = garbageConfig();
      // Some garbage is read at start-up, the rest while the workers follow the topic.
      for (int i = 0; i < 3; i++) {
        run.putConfigRecord("wh_garbage_" + (i + 1), garbage.get(i));
      }
      run.startWorkers(3);
      run.load().start(scale.events(), scale.rate());
      Scenarios.awaitDeliveries(run, scale.events() / 3);
      Instant faultAt = Instant.now();
      for (int i = 3; i < garbage.size(); i++) {
        run.putConfigRecord("wh_garbage_" + (i + 1), garbage.get(i));
      }
      List<Written> written = new ArrayList<>();
      List<String> spaces = run.spaces();
      List<Poison> poisons = poisons(spaces.get(0));
      for (int i = 0; i < poisons.size(); i++) {
        Poison p = poisons.get(i);
        String key = spaces.get(i % spaces.size());
        RecordMetadata m = run.load().sendRaw(key, p.value(), p.headers(), null, null);
        written.add(new Written(p, m.partition(), m.offset()));
      }
      byte[] hugeHeader = new byte[MIB];
      Arrays.fill(hugeHeader, (byte) 'h');
      String headerEvent = run.load().nextId();
      String space = spaces.get(1);
      run.load()
          .sendRaw(
              space,
              EventLoad.json(headerEvent, space, "").getBytes(StandardCharsets.UTF_8),
              Map.of("huge", hugeHeader),
              headerEvent,
              space);
      run.load().awaitAcked(Duration.ofMinutes(2));
      boolean settledEarly = run.awaitSettled(Duration.ofSeconds(120));
      List<String> rejectedCounts = new ArrayList<>();
      boolean allCounted = true;
      for (WorkerProcess w : run.liveWorkers()) {
        double n = w.metric("fanout_config_records_rejected_total").orElse(-1);
        rejectedCounts.add(w.name() + "=" + (long) n);
        allCounted &= n == garbage.size();
      }
      boolean allAlive = run.liveWorkers().size() == 3;
      ScenarioResult result =
          Scenarios.finish(
              run,
              "poison",
              "poison records in the event topic and garbage on the config topic, mid-load",
              written.size()
                  + " poison records, 1 valid event with a 1 MiB header, "
                  + garbage.size()
                  + " garbage config records",
              faultAt,
              start);
      result.commonChecks();
      List<DeadLetters.DeadLetter> deadLetters = run.lastDeadLetters();
      for (Written w : written) {
        List<DeadLetters.DeadLetter> mine =
            deadLetters.stream()
                .filter(
                    d ->
                        FaultRun.EVENTS.equals(d.sourceTopic())
                            && d.sourcePartition() == w.partition()
                            && d.sourceOffset() == w.offset())
                .toList();
        boolean once = mine.size() == 1 && w.poison().reason().equals(mine.get(0).reason());
        result.check(
            w.poison().label() + ": dead-lettered once as " + w.poison().reason(),
            once,
            mine.size()
                + " dead letters"
                + (mine.isEmpty() ? "" : ", reason " + mine.get(0).reason())
                + (mine.isEmpty() || !mine.get(0).valueOmitted() ? "" : ", value omitted"));
        result.check(
            w.poison().label() + ": its partition flows on",
            flowsOn(run, w),
            "good events after offset " + w.offset() + " of partition " + w.partition());
      }
      DeliveryLedger.Pair headerPair =
          new DeliveryLedger.Pair(headerEvent, FaultRun.webhookId(space, "a"));
      result.check(
          "a valid event with a 1 MiB header is delivered",
          run.ledger().isDelivered(headerPair),
          run.ledger().isDelivered(headerPair) ? "delivered" : "not delivered");
      result.check(
          "every worker skipped and counted all " + garbage.size() + " garbage config records",
          allCounted,
          String.join(", ", rejectedCounts));
      result.check("no worker exits on bad input", allAlive, allAlive ? "all alive" : "one exited");
      return result.note("settled before the final stop", settledEarly);
    }
  }

  /** Whether good events were written behind the poison record, and all of them delivered. */
  private static boolean flowsOn(FaultRun run, Written w) {
    Set<DeliveryLedger.Pair> expected = run.expectedPairs();
    int after = 0;
    for (EventLoad.Produced p : run.load().produced()) {
      if (p.partition() != w.partition() || p.offset() <= w.offset()) {
        continue;
      }
      after++;
      for (String endpoint : run.endpoints()) {
        DeliveryLedger.Pair pair =
            new DeliveryLedger.Pair(p.id(), FaultRun.webhookId(p.space(), endpoint));
        if (expected.contains(pair) && !run.ledger().isDelivered(pair)) {
          return false;
        }
      }
    }
    return after > 0;
  }
}
