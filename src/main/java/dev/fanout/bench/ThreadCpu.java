package dev.fanout.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * CPU time of the threads of this JVM over one phase, from {@link ThreadMXBean#getThreadCpuTime}:
 * sampled at the start, every second, and at the end. A thread that ends during the phase takes the
 * CPU time it used since its last sample with it, so a total that includes such a thread is a lower
 * bound ({@link Usage#lowerBound}); a thread that starts and ends between two samples is missed
 * altogether.
 */
final class ThreadCpu implements AutoCloseable {
  /**
   * A phase's CPU time for the threads selected, in nanoseconds, and what the whole process used
   * meanwhile.
   */
  record Usage(long nanos, int threads, boolean lowerBound, boolean supported, Machine machine) {
    double microsPer(long operations) {
      return operations == 0 ? 0 : nanos / 1000.0 / operations;
    }
  }

  /**
   * This whole process over the phase: how many cores its threads kept busy, the JIT compiler's and
   * the garbage collector's included (which {@link Usage} cannot see), and how many of them the JIT
   * compiler alone. Receivers and an embedded broker live in this process too. Negative when this
   * JVM does not tell.
   */
  record Machine(double busyCores, double compilingCores) {
    static final Machine UNKNOWN = new Machine(-1, -1);

    static Machine of(double seconds, long processCpuNanos, long compileMillis) {
      if (seconds <= 0) {
        return UNKNOWN;
      }
      return new Machine(
          processCpuNanos < 0 ? -1 : processCpuNanos / 1e9 / seconds,
          compileMillis < 0 ? -1 : compileMillis / 1e3 / seconds);
    }
  }

  /**
   * The process's CPU time and the JIT compiler's time at one moment, to measure a phase without
   * sampling threads: {@code Mark.now()} at its start, {@link #until} at its end.
   */
  record Mark(long atNanos, long processCpuNanos, long compileMillis) {
    static Mark now() {
      return new Mark(System.nanoTime(), ThreadCpu.processCpuNanos(), ThreadCpu.compileMillis());
    }

    /** How busy the whole process kept the machine from this mark to {@code end}. */
    Machine until(Mark end) {
      return Machine.of(
          (end.atNanos - atNanos) / 1e9,
          processCpuNanos < 0 || end.processCpuNanos < 0
              ? -1
              : end.processCpuNanos - processCpuNanos,
          compileMillis < 0 || end.compileMillis < 0 ? -1 : end.compileMillis - compileMillis);
    }
  }

  private static final class Seen {
    final String name;
    final long first;
    long last;
    boolean alive = true;

    Seen(String name, long first) {
      this.name = name;
      this.first = first;
      this.last = first;
    }
  }

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final Map<Long, Seen> seen = new HashMap<>(); // guarded by this
  private final ScheduledExecutorService sampler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "bench-cpu-sampler");
            t.setDaemon(true);
            return t;
          });
  private final boolean supported;
  private final Mark start = Mark.now();
  private volatile Machine machine = Machine.UNKNOWN;

  private ThreadCpu() {
    supported = threads.isThreadCpuTimeSupported();
    if (supported && !threads.isThreadCpuTimeEnabled()) {
      threads.setThreadCpuTimeEnabled(true);
    }
  }

  /** Starts measuring every thread of the JVM now. */
  static ThreadCpu start() {
    ThreadCpu cpu = new ThreadCpu();
    cpu.sample(true);
    cpu.sampler.scheduleAtFixedRate(() -> cpu.sample(false), 1, 1, TimeUnit.SECONDS);
    return cpu;
  }

  /** Ids of the live threads whose names match, e.g. senders left from an earlier client. */
  static Set<Long> alive(Predicate<String> names) {
    Set<Long> ids = new HashSet<>();
    for (ThreadInfo info : ManagementFactory.getThreadMXBean().getThreadInfo(allIds(), 0)) {
      if (info != null && names.test(info.getThreadName())) {
        ids.add(info.getThreadId());
      }
    }
    return ids;
  }

  /** Takes the last sample and stops sampling. */
  void stop() {
    sampler.shutdownNow();
    sample(false);
    machine = start.until(Mark.now());
  }

  /** Takes a sample now, besides the periodic ones. */
  void sample() {
    sample(false);
  }

  /** The CPU time of the threads whose names match, leaving out the ids given. */
  synchronized Usage usage(Predicate<String> names, Set<Long> excluded) {
    long nanos = 0;
    int count = 0;
    boolean lowerBound = false;
    for (Map.Entry<Long, Seen> e : seen.entrySet()) {
      Seen s = e.getValue();
      if (names.test(s.name) && !excluded.contains(e.getKey())) {
        nanos += s.last - s.first;
        count++;
        lowerBound |= !s.alive;
      }
    }
    return new Usage(nanos, count, lowerBound, supported, machine);
  }

  /**
   * Milliseconds of CPU per thread name, digits folded ({@code httpclient-dispatch-#}), marked
   * {@code *} when counted, {@code -} when the name matches but the thread was left out.
   */
  synchronized Map<String, Long> millisByName(Predicate<String> names, Set<Long> excluded) {
    Map<String, Long> byName = new TreeMap<>();
    for (Map.Entry<Long, Seen> e : seen.entrySet()) {
      Seen s = e.getValue();
      String mark = !names.test(s.name) ? "  " : excluded.contains(e.getKey()) ? "- " : "* ";
      byName.merge(
          mark + s.name.replaceAll("\\d+", "#"), (s.last - s.first) / 1_000_000, Long::sum);
    }
    return byName;
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }

  private synchronized void sample(boolean atStart) {
    if (!supported) {
      return;
    }
    Set<Long> live = new HashSet<>();
    for (ThreadInfo info : threads.getThreadInfo(allIds(), 0)) {
      if (info == null) {
        continue;
      }
      long id = info.getThreadId();
      long cpu = threads.getThreadCpuTime(id);
      if (cpu < 0) {
        continue; // ended since the ids were taken
      }
      live.add(id);
      Seen s = seen.get(id);
      if (s == null) {
        // A thread first seen after the start was born during the phase: all its time counts.
        seen.put(id, new Seen(info.getThreadName(), atStart ? cpu : 0));
        s = seen.get(id);
      }
      s.last = cpu;
    }
    for (Map.Entry<Long, Seen> e : seen.entrySet()) {
      e.getValue().alive = live.contains(e.getKey());
    }
  }

  private static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : -1;
  }

  private static long compileMillis() {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported()
        ? jit.getTotalCompilationTime()
        : -1;
  }

  private static long[] allIds() {
    return ManagementFactory.getThreadMXBean().getAllThreadIds();
  }
}
