package dev.fanout.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads a secret from where the user put it: a file, an environment variable or standard input,
 * never a plain flag value (those end up in shell history and process lists).
 */
final class SecretInput {
  private SecretInput() {}

  /**
   * @return the secret without surrounding white space (a file's trailing newline, say)
   * @throws CommandFailure when the source is unset or the secret is empty
   */
  static String read(Path file, String env, boolean stdin, Map<String, String> environment)
      throws IOException {
    String text;
    if (file != null) {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } else if (env != null) {
      text = environment.get(env);
      if (text == null) {
        throw new CommandFailure("environment variable " + env + " is not set");
      }
    } else if (stdin) {
      text =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    } else {
      throw new IllegalArgumentException("no secret source given");
    }
    text = text == null ? "" : text.strip();
    if (text.isEmpty()) {
      throw new CommandFailure("the secret is empty");
    }
    return text;
  }
}
