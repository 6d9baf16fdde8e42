package dev.fanout.fault;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every process the fault harness starts (broker, workers), so that none outlives the JVM that
 * started it: owners stop their processes in {@code close()}, and a shutdown hook kills whatever is
 * still alive when the JVM exits, a failed or interrupted run included.
 */
final class ChildProcesses {
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> LIVE.forEach(p -> p.toHandle().destroyForcibly()), "fault-child-reaper"));
  }

  private ChildProcesses() {}

  static Process track(Process process) {
    LIVE.add(process);
    process.onExit().thenRun(() -> LIVE.remove(process));
    return process;
  }
}
