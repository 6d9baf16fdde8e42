package dev.fanout.cli;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.function.Function;

/**
 * The container image's {@code HEALTHCHECK}: exits 0 when {@code GET /health/live} on the local
 * management port answers 200, and 1 otherwise. It keeps the image from depending on the base
 * image's curl or wget, and starts no picocli, logging or Kafka client. The port is {@code
 * FANOUT_MANAGEMENT_PORT}, else 9400; a first argument overrides both.
 */
public final class ContainerHealthCheck {
  static final int DEFAULT_PORT = 9400;
  private static final int TIMEOUT_MILLIS = 3000;

  private ContainerHealthCheck() {}

  public static void main(String[] args) {
    System.exit(check(args, System::getenv));
  }

  static int check(String[] args, Function<String, String> env) {
    String port = args.length > 0 ? args[0] : env.apply("FANOUT_MANAGEMENT_PORT");
    URI uri =
        URI.create(
            "http://127.0.0.1:"
                + (port == null || port.isBlank() ? DEFAULT_PORT : Integer.parseInt(port.strip()))
                + "/health/live");
    try {
      HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
      connection.setConnectTimeout(TIMEOUT_MILLIS);
      connection.setReadTimeout(TIMEOUT_MILLIS);
      try {
        int status = connection.getResponseCode();
        System.out.println(uri + " " + status);
        return status == 200 ? ExitCodes.OK : ExitCodes.FAILURE;
      } finally {
        connection.disconnect();
      }
    } catch (IOException e) {
      System.out.println(uri + " " + e);
      return ExitCodes.FAILURE;
    }
  }
}
