package dev.fanout.delivery;

import java.lang.management.ManagementFactory;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Delivery tasks the worker takes into memory at once, waiting or in flight. Each host's limit
 * adapts to its own round trips, but a round trip cannot tell a slow host from a worker whose cores
 * are all busy: behind many fast hosts every host's limit grows, together they put the whole {@code
 * delivery.max-in-flight} in flight, and a CPU-bound worker then spends about a fifth more CPU per
 * delivery for no more deliveries (docs/performance.md). This budget reads the worker's own CPU use
 * instead, which no mix of slow and fast hosts disturbs:
 *
 * <ul>
 *   <li>it never goes below {@code floor} ({@code delivery.host-concurrency.max}: one host can
 *       always reach its own maximum), nor above {@code ceiling} ({@code delivery.max-in-flight});
 *   <li>at each {@link #adapt} (every {@value #WINDOW_MILLIS} ms), it grows by a quarter when a
 *       record waited for room (in it, or in its hosts' shares of it) and the process left more
 *       than {@value #ROOM_PERCENT}% of its cores idle (slow hosts that need many requests out),
 *       and shrinks by an eighth towards the floor while the cores are at least {@value
 *       #BUSY_PERCENT}% busy (more tasks would only queue for the CPU).
 * </ul>
 *
 * Records beyond it wait in Kafka, their partitions paused ({@link DeliveryEngine#admits}).
 * Thread-safe: {@link #get} and {@link #refused} from any thread, {@link #adapt} from one thread at
 * a time.
 */
public final class Budget {
  /** How often the worker calls {@link #adapt}. */
  public static final long WINDOW_MILLIS = 250;

  private static final int BUSY_PERCENT = 95;
  private static final int ROOM_PERCENT = 15;

  private final int floor;
  private final int ceiling;
  private final DoubleSupplier busy;
  private volatile int limit;
  private volatile boolean refused;

  private Budget(int floor, int ceiling, DoubleSupplier busy) {
    if (ceiling < 1) {
      throw new IllegalArgumentException("ceiling must be positive, not " + ceiling);
    }
    this.ceiling = ceiling;
    this.floor = Math.max(1, Math.min(floor, ceiling));
    this.busy = busy;
    this.limit = this.floor;
  }

  /** Always {@code tasks}. */
  public static Budget fixed(int tasks) {
    return new Budget(tasks, tasks, () -> 0);
  }

  /**
   * Between {@code floor} and {@code ceiling}, by {@code busy}: the share of the process's cores
   * busy since it was last asked, 0 to 1, or negative when not known (then the budget grows as if
   * the cores were idle, bounded by the ceiling alone). It starts at the floor.
   */
  public static Budget adaptive(int floor, int ceiling, DoubleSupplier busy) {
    return new Budget(floor, ceiling, busy);
  }

  /** Tasks that may be in memory now. */
  public int get() {
    return limit;
  }

  /** A record waited for room: in the budget, or in its hosts' fair shares of it. */
  void refused() {
    if (!refused) {
      refused = true;
    }
  }

  /**
   * Adapts the budget to the window since the last call.
   *
   * @return whether it grew (records waiting for room may fit now)
   */
  public boolean adapt() {
    double share = busy.getAsDouble();
    boolean wanted = refused;
    refused = false;
    int current = limit;
    if (share * 100 >= BUSY_PERCENT) {
      limit = Math.max(floor, current - Math.max(1, current / 8));
      return false;
    }
    if (wanted && share * 100 < 100 - ROOM_PERCENT && current < ceiling) {
      limit = Math.min(ceiling, current + Math.max(1, current / 4));
      return true;
    }
    return false;
  }

  /**
   * The share of this process's cores busy since the previous call (the first call measures from
   * this one): process CPU time ÷ (wall time × available processors), or -1 where the JVM cannot
   * tell its CPU time.
   */
  public static DoubleSupplier processCpu() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (!(os instanceof com.sun.management.OperatingSystemMXBean process)
        || process.getProcessCpuTime() < 0) {
      return () -> -1;
    }
    return cpuShare(
        process::getProcessCpuTime, System::nanoTime, Runtime.getRuntime()::availableProcessors);
  }

  /** The share of {@code cores} that {@code cpuNanos} grew by, per {@code wallNanos}, per call. */
  static DoubleSupplier cpuShare(LongSupplier cpuNanos, LongSupplier wallNanos, IntSupplier cores) {
    return new DoubleSupplier() {
      private long lastCpu = cpuNanos.getAsLong();
      private long lastWall = wallNanos.getAsLong();

      @Override
      public double getAsDouble() {
        long cpu = cpuNanos.getAsLong();
        long wall = wallNanos.getAsLong();
        long elapsed = wall - lastWall;
        double share = elapsed <= 0 ? -1 : (double) (cpu - lastCpu) / elapsed / cores.getAsInt();
        lastCpu = cpu;
        lastWall = wall;
        return share;
      }
    };
  }
}
