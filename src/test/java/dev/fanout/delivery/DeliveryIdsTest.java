package dev.fanout.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeliveryIdsTest {

  @Test
  void sameEventAndWebhookGiveTheSameId() {
    assertThat(DeliveryIds.of("evt_1", "wh_1")).isEqualTo(DeliveryIds.of("evt_1", "wh_1"));
  }

  @Test
  void idHasPrefixAndThirtyTwoHexDigits() {
    assertThat(DeliveryIds.of("evt_1", "wh_1")).matches("dlv_[0-9a-f]{32}");
  }

  @Test
  void differentWebhooksGiveDifferentIds() {
    assertThat(DeliveryIds.of("evt_1", "wh_1")).isNotEqualTo(DeliveryIds.of("evt_1", "wh_2"));
  }

  @Test
  void differentEventsGiveDifferentIds() {
    assertThat(DeliveryIds.of("evt_1", "wh_1")).isNotEqualTo(DeliveryIds.of("evt_2", "wh_1"));
  }

  @Test
  void boundaryBetweenEventAndWebhookIdMatters() {
    // Without a separator "ab"+"c" and "a"+"bc" would hash alike.
    assertThat(DeliveryIds.of("ab", "c")).isNotEqualTo(DeliveryIds.of("a", "bc"));
  }
}
