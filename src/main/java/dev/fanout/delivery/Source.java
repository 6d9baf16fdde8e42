package dev.fanout.delivery;

/**
 * The consumed partition a task's record came from, as far as the engine must know it.
 * Implementations are thread-safe.
 */
public interface Source {
  /**
   * False once this member no longer owns the partition. Its uncommitted records are redone by the
   * next owner, so a task of it sends nothing more and hands nothing over: one delivery must not
   * become two retry chains.
   */
  boolean owned();

  /**
   * A write for a task of this partition keeps failing ({@code true}), or went through after all
   * ({@code false}); called once for each, per write.
   */
  void writeFailing(boolean failing);
}
