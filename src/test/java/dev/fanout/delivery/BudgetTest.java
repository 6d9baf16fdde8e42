package dev.fanout.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

class BudgetTest {
  private double busy;
  private final DoubleSupplier cpu = () -> busy;

  @Test
  void startsAtTheFloorAndGrowsOnlyWhileRecordsWaitForItAndTheCoresHaveRoom() {
    Budget budget = Budget.adaptive(512, 1000, cpu);
    assertThat(budget.get()).isEqualTo(512);

    busy = 0.3;
    assertThat(budget.adapt()).as("nothing waited for room").isFalse();
    assertThat(budget.get()).isEqualTo(512);

    budget.refused();
    assertThat(budget.adapt()).isTrue();
    assertThat(budget.get()).isEqualTo(640);

    budget.refused();
    budget.adapt();
    budget.refused();
    budget.adapt();
    assertThat(budget.get()).as("never above the ceiling").isEqualTo(1000);
  }

  @Test
  void busyCoresShrinkItTowardsTheFloorAndKeepItFromGrowing() {
    Budget budget = Budget.adaptive(512, 1000, cpu);
    busy = 0.5;
    for (int i = 0; i < 3; i++) {
      budget.refused();
      budget.adapt();
    }
    assertThat(budget.get()).isEqualTo(1000);

    busy = 0.98;
    budget.refused();
    assertThat(budget.adapt()).isFalse();
    assertThat(budget.get()).isEqualTo(875);
    for (int i = 0; i < 20; i++) {
      budget.refused();
      budget.adapt();
    }
    assertThat(budget.get()).as("never below the floor").isEqualTo(512);

    busy = 0.9; // neither idle enough to grow nor busy enough to shrink
    budget.refused();
    budget.adapt();
    assertThat(budget.get()).isEqualTo(512);
  }

  @Test
  void anUnknownCpuUseLeavesTheCeilingAsTheOnlyBound() {
    Budget budget = Budget.adaptive(100, 200, () -> -1);
    budget.refused();
    budget.adapt();
    budget.refused();
    budget.adapt();
    budget.refused();
    budget.adapt();
    budget.refused();
    budget.adapt();

    assertThat(budget.get()).isEqualTo(200);
  }

  @Test
  void aFloorAboveTheCeilingIsTheCeilingAndAFixedBudgetNeverMoves() {
    assertThat(Budget.adaptive(512, 300, cpu).get()).isEqualTo(300);

    Budget fixed = Budget.fixed(10);
    busy = 1;
    fixed.refused();
    fixed.adapt();
    assertThat(fixed.get()).isEqualTo(10);
  }

  @Test
  void cpuShareIsTheProcessTimePerWallTimePerCore() {
    AtomicLong cpuNanos = new AtomicLong();
    AtomicLong wallNanos = new AtomicLong(1_000);
    DoubleSupplier share = Budget.cpuShare(cpuNanos::get, wallNanos::get, () -> 2);

    cpuNanos.addAndGet(300_000_000);
    wallNanos.addAndGet(200_000_000);
    assertThat(share.getAsDouble()).isEqualTo(0.75);

    wallNanos.addAndGet(100_000_000);
    assertThat(share.getAsDouble()).isZero();

    assertThat(share.getAsDouble()).as("no time passed").isEqualTo(-1);
  }
}
