package dev.fanout.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.lang.management.ManagementFactory;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {
  private static final long BURN_NANOS = TimeUnit.MILLISECONDS.toNanos(30);

  /** A thread that uses some CPU, says so, then waits to be let go. */
  private static final class Burner extends Thread {
    final CountDownLatch burned = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    Burner(String name) {
      super(name);
      setDaemon(true);
    }

    @Override
    public void run() {
      long x = 0;
      while (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() < BURN_NANOS) {
        x += System.nanoTime() % 7;
      }
      burned.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (x == 42) {
        System.out.print("");
      }
    }
  }

  @Test
  void countsTheCpuOfMatchingThreadsBornDuringThePhase() throws Exception {
    Burner burner = new Burner("test-burner-a");
    try (ThreadCpu cpu = ThreadCpu.start()) {
      burner.start();
      burner.burned.await();
      cpu.stop();

      ThreadCpu.Usage usage = cpu.usage(name -> name.equals("test-burner-a"), Set.of());
      assertThat(usage.threads()).isEqualTo(1);
      assertThat(usage.nanos()).isGreaterThanOrEqualTo(BURN_NANOS);
      assertThat(usage.lowerBound()).isFalse();
    } finally {
      burner.release.countDown();
      burner.join();
    }
  }

  @Test
  void leavesOutThreadsAliveBeforeTheClientWasBuilt() throws Exception {
    Burner before = new Burner("test-burner-b");
    before.start();
    before.burned.await();
    Set<Long> earlier = ThreadCpu.alive(name -> name.equals("test-burner-b"));
    try (ThreadCpu cpu = ThreadCpu.start()) {
      cpu.stop();

      assertThat(earlier).containsExactly(before.getId());
      assertThat(cpu.usage(name -> name.equals("test-burner-b"), earlier).threads()).isZero();
    } finally {
      before.release.countDown();
      before.join();
    }
  }

  @Test
  void aThreadThatEndedMakesTheTotalALowerBound() throws Exception {
    Burner burner = new Burner("test-burner-c");
    try (ThreadCpu cpu = ThreadCpu.start()) {
      burner.start();
      burner.burned.await();
      cpu.sample();
      burner.release.countDown();
      burner.join();
      cpu.stop();

      ThreadCpu.Usage usage = cpu.usage(name -> name.equals("test-burner-c"), Set.of());
      assertThat(usage.nanos()).isGreaterThanOrEqualTo(BURN_NANOS);
      assertThat(usage.lowerBound()).isTrue();
    }
  }

  @Test
  void theWholeProcessCountsTheBurnersTimeAndTheCoresItKeptBusy() throws Exception {
    Burner burner = new Burner("test-burner-m");
    try (ThreadCpu cpu = ThreadCpu.start()) {
      long start = System.nanoTime();
      burner.start();
      burner.burned.await();
      cpu.stop();
      double seconds = (System.nanoTime() - start) / 1e9;

      ThreadCpu.Machine machine = cpu.usage(name -> true, Set.of()).machine();
      // Process CPU takes in every thread of the JVM: at least the burner's 30 ms.
      assertThat(machine.busyCores()).isGreaterThanOrEqualTo(BURN_NANOS / 1e9 / seconds * 0.9);
      assertThat(machine.compilingCores()).isGreaterThanOrEqualTo(0);
    } finally {
      burner.release.countDown();
      burner.join();
    }
  }

  @Test
  void coresAreCpuSecondsPerSecondOfThePhase() {
    ThreadCpu.Machine machine = ThreadCpu.Machine.of(2.0, 3_000_000_000L, 500);
    assertThat(machine.busyCores()).isEqualTo(1.5);
    assertThat(machine.compilingCores()).isEqualTo(0.25);
    assertThat(ThreadCpu.Machine.of(2.0, -1, 500).busyCores()).isNegative();
    assertThat(ThreadCpu.Machine.of(0, 1, 1)).isEqualTo(ThreadCpu.Machine.UNKNOWN);
    assertThat(Report.cores(machine)).isEqualTo("1.50 (0.25)");
    assertThat(Report.cores(ThreadCpu.Machine.UNKNOWN)).isEqualTo("n/a (n/a)");
  }

  @Test
  void aPhaseBetweenTwoMarksIsTheProcessCpuAndCompileTimeBetweenThem() {
    ThreadCpu.Mark start = new ThreadCpu.Mark(1_000_000_000L, 5_000_000_000L, 200);
    ThreadCpu.Mark end = new ThreadCpu.Mark(5_000_000_000L, 11_400_000_000L, 1_000);

    ThreadCpu.Machine phase = start.until(end);

    assertThat(phase.busyCores()).isCloseTo(1.6, within(1e-9));
    assertThat(phase.compilingCores()).isCloseTo(0.2, within(1e-9));
    assertThat(new ThreadCpu.Mark(0, -1, -1).until(end)).isEqualTo(new ThreadCpu.Machine(-1, -1));
    assertThat(start.until(start)).isEqualTo(ThreadCpu.Machine.UNKNOWN);
  }

  @Test
  void aPhaseMeasuredBetweenMarksSeesTheCpuBurnedInIt() throws Exception {
    ThreadCpu.Mark start = ThreadCpu.Mark.now();
    Burner burner = new Burner("phase-burner");
    burner.start();
    try {
      burner.burned.await();
      ThreadCpu.Machine phase = start.until(ThreadCpu.Mark.now());
      double seconds = (System.nanoTime() - start.atNanos()) / 1e9;
      assertThat(phase.busyCores()).isGreaterThanOrEqualTo(BURN_NANOS / 1e9 / seconds * 0.9);
    } finally {
      burner.release.countDown();
      burner.join();
    }
  }
}
