package dev.fanout.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LongHashSetTest {
  @Test
  void addsEachValueOnceAndGrowsPastItsExpectedSize() {
    LongHashSet set = new LongHashSet(4);
    Set<Long> reference = new HashSet<>();
    Random random = new Random(42);

    for (int i = 0; i < 10_000; i++) {
      long v = random.nextInt(5_000) - 2_500L; // repeats, zero and negatives included
      assertThat(set.add(v)).isEqualTo(reference.add(v));
    }

    assertThat(set.size()).isEqualTo(reference.size());
  }

  @Test
  void keepsValuesThroughReserveAndForgetsThemOnClear() {
    LongHashSet set = new LongHashSet(1);
    set.add(7);
    set.add(0);

    set.reserve(1_000);

    assertThat(set.add(7)).isFalse();
    assertThat(set.add(0)).isFalse();
    set.clear();
    assertThat(set.size()).isZero();
    assertThat(set.add(7)).isTrue();
    assertThat(set.add(0)).isTrue();
  }
}
