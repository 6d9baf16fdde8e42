package dev.fanout.cli;

import dev.fanout.admin.AdminFailure;
import dev.fanout.config.ConfigException;
import dev.fanout.subscription.SubscriptionRefusedException;
import java.io.PrintWriter;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns known failures into one clear line on stderr and the right exit code; a configuration
 * problem lists every bad key and exits 2. Unknown failures print their stack trace.
 */
final class ExceptionHandler implements IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(Exception e, CommandLine cli, ParseResult parsed) {
    PrintWriter err = cli.getErr();
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof ConfigException config) {
      err.println("fanout: configuration has " + config.problems().size() + " problem(s):");
      config.problems().forEach(p -> err.println("  " + p));
      err.flush();
      return ExitCodes.USAGE;
    }
    if (cause instanceof CommandLine.ParameterException usage) {
      err.println("fanout: " + usage.getMessage());
      err.flush();
      return ExitCodes.USAGE;
    }
    if (cause instanceof SubscriptionRefusedException refused) {
      err.println("fanout: " + refused.getMessage());
      err.flush();
      return ExitCodes.USAGE;
    }
    if (cause instanceof CommandFailure || cause instanceof AdminFailure) {
      err.println("fanout: " + cause.getMessage());
      err.flush();
      return ExitCodes.FAILURE;
    }
    if (cause instanceof TimeoutException) {
      err.println("fanout: Kafka did not answer in time (" + cause.getMessage() + ")");
      err.flush();
      return ExitCodes.FAILURE;
    }
    err.println("fanout: " + cause);
    cause.printStackTrace(err);
    err.flush();
    return ExitCodes.FAILURE;
  }
}
