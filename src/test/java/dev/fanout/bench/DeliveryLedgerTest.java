package dev.fanout.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryLedgerTest {
  private static final Route HOOK_0 = new Route(Behaviour.HEALTHY, 0);
  private static final Route HOOK_1 = new Route(Behaviour.HEALTHY, 1);
  private static final String ID_A = "dlv_0123456789abcdef0123456789abcdef";
  private static final String ID_B = "dlv_fedcba98765432100123456789abcdef";

  @Test
  void countsAcceptedPerWebhookAndADeliveryIdSeenTwiceAsADuplicate() {
    DeliveryLedger ledger = new DeliveryLedger(2, 16);

    ledger.accepted(HOOK_0, ID_A, -1);
    ledger.accepted(HOOK_1, ID_B, -1);
    ledger.accepted(HOOK_0, ID_A, -1);

    assertThat(ledger.accepted(0)).isEqualTo(2);
    assertThat(ledger.accepted(1)).isEqualTo(1);
    assertThat(ledger.duplicates()).isEqualTo(1);
    assertThat(
            ledger.accepted(
                List.of(
                    new Topology.Placement(0, Behaviour.HEALTHY, 0),
                    new Topology.Placement(1, Behaviour.HEALTHY, 0))))
        .isEqualTo(3);
  }

  @Test
  void requestWithoutADeliveryIdIsCountedButCannotBeADuplicate() {
    DeliveryLedger ledger = new DeliveryLedger(1, 16);

    ledger.accepted(HOOK_0, null, -1);
    ledger.accepted(HOOK_0, "not-an-id", -1);

    assertThat(ledger.accepted(0)).isEqualTo(2);
    assertThat(ledger.duplicates()).isZero();
    assertThat(ledger.unidentified()).isEqualTo(2);
  }

  @Test
  void recordsLatencyOnlyForStampedRequests() {
    DeliveryLedger ledger = new DeliveryLedger(1, 16);

    ledger.accepted(HOOK_0, ID_A, -1);
    ledger.accepted(HOOK_0, ID_B, 1500);

    assertThat(ledger.latency().getTotalCount()).isEqualTo(1);
  }

  @Test
  void resetForgetsCountsAndIds() {
    DeliveryLedger ledger = new DeliveryLedger(1, 16);
    ledger.requested(HOOK_0);
    ledger.accepted(HOOK_0, ID_A, 10);

    ledger.reset();
    ledger.accepted(HOOK_0, ID_A, -1);

    assertThat(ledger.requests(0)).isZero();
    assertThat(ledger.accepted(0)).isEqualTo(1);
    assertThat(ledger.duplicates()).isZero();
    assertThat(ledger.latency().getTotalCount()).isZero();
  }

  @Test
  void idBitsAreTheFirstSixteenHexDigits() {
    assertThat(DeliveryLedger.idBits(ID_A)).isEqualTo(0x0123456789abcdefL);
    assertThat(DeliveryLedger.idBits("dlv_0123")).isEqualTo(DeliveryLedger.NO_ID);
    assertThat(DeliveryLedger.idBits("dlv_0123456789abcdeg")).isEqualTo(DeliveryLedger.NO_ID);
  }

  @Test
  void countsTheDeliveriesOverAHundredMillisecondsUntilTheLatencyIsReset() {
    DeliveryLedger ledger = new DeliveryLedger(2, 16);
    ledger.resetLatency();

    ledger.accepted(HOOK_0, ID_A, 99_000);
    ledger.accepted(HOOK_1, ID_B, 150_000);

    DeliveryLedger.Late late = ledger.late();
    assertThat(late.count()).isEqualTo(1);
    assertThat(late.firstSeconds()).isEqualTo(late.lastSeconds()).isNotNegative();
    ledger.resetLatency();
    assertThat(ledger.late().count()).isZero();
  }
}
