package dev.fanout.replay;

/**
 * Told how far a scan has come; a command shows it to the operator. Called from the scan thread.
 */
public interface ScanProgress {
  ScanProgress NONE = (done, total) -> {};

  /**
   * @param done records read so far (including ones the filter dropped)
   * @param total records between the start and end offsets taken when the scan began
   */
  void update(long done, long total);

  /** The scan ended, or stopped early; called once. */
  default void finished(long done, long total) {
    update(done, total);
  }
}
