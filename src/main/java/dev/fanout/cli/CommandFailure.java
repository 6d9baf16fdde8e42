package dev.fanout.cli;

/** A command failed for a reason the user can act on; its message is printed as it is. */
final class CommandFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CommandFailure(String message) {
    super(message);
  }
}
