package dev.fanout.cli;

/** Exit codes of every command. */
public final class ExitCodes {
  public static final int OK = 0;

  /** The command ran and failed (a broker unreachable, a signature that does not verify). */
  public static final int FAILURE = 1;

  /** The command line or the configuration is wrong; nothing was done. */
  public static final int USAGE = 2;

  private ExitCodes() {}
}
