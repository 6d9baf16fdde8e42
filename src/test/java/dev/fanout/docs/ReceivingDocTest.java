package dev.fanout.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fanout.delivery.DeliveryTask;
import dev.fanout.delivery.WebhookRequest;
import dev.fanout.delivery.WebhookRequests;
import dev.fanout.event.Event;
import dev.fanout.event.Origin;
import dev.fanout.signing.SignatureVerifier;
import dev.fanout.signing.SigningSecret;
import dev.fanout.subscription.EventPattern;
import dev.fanout.subscription.Subscription;
import java.io.File;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every snippet of {@code docs/receiving.md}, as the page shows it, against requests that
 * Fanout's own {@link WebhookRequests} signed: each language must give the same verdicts. A
 * language whose toolchain is missing is skipped, not passed.
 */
class ReceivingDocTest {
  private static final Path PAGE = Path.of("docs/receiving.md");
  private static final Instant SIGNED_AT = Instant.parse("2026-11-28T12:00:00Z");
  private static final byte[] BODY =
      "{\"id\":\"evt_1\",\"type\":\"job.failed\",\"space_id\":\"s\",\"data\":{\"note\":\"déjà vu\"}}\n"
          .getBytes(StandardCharsets.UTF_8);
  private static final String SECRET = whsec(1);
  private static final String NEXT_SECRET = whsec(2);
  // Fanout's decoder takes base64 without its padding too; so must the receivers.
  private static final String UNPADDED = whsec(4, 31).replace("=", "");
  private static final String PLAIN_SECRET = "a plain secret, not base64: ünïcödé";
  private static final Duration PROCESS_LIMIT = Duration.ofSeconds(60);

  /** One request as Fanout sent it, the secret the receiver holds, and its clock. */
  record Case(String name, String secret, Map<String, String> headers, byte[] body, long now) {}

  @TempDir Path dir;

  @Test
  void pythonSnippetGivesTheExpectedVerdicts() throws Exception {
    assumeTrue(runs("python3", "--version"), "python3 is not installed");
    Path script = dir.resolve("receiver.py");
    Files.writeString(
        script,
        snippet("python")
            + """

            import sys
            secret = open(sys.argv[1], encoding="utf-8").read()
            body = open(sys.argv[2], "rb").read()
            now = int(sys.argv[3])
            headers = {"x-y42-delivery": sys.argv[4], "webhook-id": sys.argv[5],
                       "webhook-timestamp": sys.argv[6], "webhook-signature": sys.argv[7]}
            seen = set()
            verdicts = [receive(secret, headers, body, now, seen) for _ in range(2)]
            y42 = "valid" if verify_y42(secret, body, sys.argv[8]) else "invalid"
            print(f"y42={y42} receive={','.join(verdicts)}")
            """);
    assertThat(runEach(c -> List.of("python3", "-I", script.toString())))
        .containsExactlyElementsOf(expected());
  }

  @Test
  void nodeSnippetGivesTheExpectedVerdicts() throws Exception {
    assumeTrue(runs("node", "--version"), "node is not installed");
    Path script = dir.resolve("receiver.js");
    Files.writeString(
        script,
        snippet("node")
            + """

            const fs = require("node:fs");
            const [secretFile, bodyFile, now, delivery, id, timestamp, signatures, y42] =
              process.argv.slice(2);
            const secret = fs.readFileSync(secretFile, "utf8");
            const body = fs.readFileSync(bodyFile);
            const headers = {"x-y42-delivery": delivery, "webhook-id": id,
              "webhook-timestamp": timestamp, "webhook-signature": signatures};
            const seen = new Set();
            const verdicts = [1, 2].map(() => receive(secret, headers, body, Number(now), seen));
            const valid = verifyY42(secret, body, y42) ? "valid" : "invalid";
            console.log(`y42=${valid} receive=${verdicts.join(",")}`);
            """);
    assertThat(runEach(c -> List.of("node", script.toString())))
        .containsExactlyElementsOf(expected());
  }

  @Test
  void shellSnippetGivesTheExpectedVerdicts() throws Exception {
    assumeTrue(runs("sh", "-c", "command -v openssl && command -v od"), "openssl is missing");
    Path script = dir.resolve("receiver.sh");
    Files.writeString(
        script,
        snippet("shell")
            + """

            secret=$(cat "$1")
            if verify_y42 "$secret" "$2" "$8"; then y42=valid; else y42=invalid; fi
            seen="$9"
            first=$(receive "$secret" "$2" "$3" "$seen" "$4" "$5" "$6" "$7")
            second=$(receive "$secret" "$2" "$3" "$seen" "$4" "$5" "$6" "$7")
            echo "y42=$y42 receive=$first,$second"
            """);
    assertThat(runEach(c -> List.of("sh", script.toString())))
        .containsExactlyElementsOf(expected());
  }

  @Test
  void javaSnippetGivesTheExpectedVerdicts() throws Exception {
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    assumeTrue(compiler != null, "no Java compiler in this runtime");
    Path source = dir.resolve("WebhookReceiver.java");
    Files.writeString(source, snippet("java"));
    int status =
        compiler.run(null, null, null, "-d", dir.toString(), "-proc:none", source.toString());
    assertThat(status).as("the Java snippet compiles").isZero();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()})) {
      Class<?> receiver = loader.loadClass("WebhookReceiver");
      var verifyY42 = receiver.getMethod("verifyY42", String.class, byte[].class, String.class);
      var receive =
          receiver.getMethod(
              "receive", String.class, Function.class, byte[].class, long.class, Set.class);
      List<String> actual = new ArrayList<>();
      for (Case c : cases()) {
        Function<String, String> header = name -> c.headers().get(name.toLowerCase());
        Set<String> seen = new HashSet<>();
        Object first = receive.invoke(null, c.secret(), header, c.body(), c.now(), seen);
        Object second = receive.invoke(null, c.secret(), header, c.body(), c.now(), seen);
        boolean y42 =
            (boolean)
                verifyY42.invoke(null, c.secret(), c.body(), c.headers().get("x-y42-signature"));
        actual.add(
            c.name() + ": y42=" + (y42 ? "valid" : "invalid") + " receive=" + first + "," + second);
      }
      assertThat(actual).containsExactlyElementsOf(expected());
    }
  }

  /**
   * The rotation cases above hold what they say: the receiver's old secret matches entry 2 only.
   */
  @Test
  void theRotationCaseMatchesOnlyTheSecondSignature() {
    Map<String, String> headers = signed(NEXT_SECRET, SECRET);
    String[] entries = headers.get("webhook-signature").split(" ");

    assertThat(entries).hasSize(2);
    assertThat(verifiesWithPrevious(headers, entries[0])).isFalse();
    assertThat(verifiesWithPrevious(headers, entries[1])).isTrue();
  }

  private static boolean verifiesWithPrevious(Map<String, String> headers, String signature) {
    return SignatureVerifier.verifyStandard(
        new SigningSecret(SECRET),
        headers.get("webhook-id"),
        headers.get("webhook-timestamp"),
        BODY,
        signature,
        SIGNED_AT,
        Duration.ofMinutes(5));
  }

  @Test
  void readmeLinksThePage() throws Exception {
    assertThat(Files.readString(Path.of("README.md"))).contains("(docs/receiving.md)");
  }

  /** The cases, each delivered twice, so the second delivery of an accepted one is a duplicate. */
  private static List<Case> cases() {
    long at = SIGNED_AT.getEpochSecond();
    Map<String, String> valid = signed(SECRET, null);
    Map<String, String> changedDelivery = new HashMap<>(valid);
    changedDelivery.put("x-y42-delivery", "dlv_00000000000000000000000000000000");
    byte[] tampered =
        new String(BODY, StandardCharsets.UTF_8)
            .replace("job.failed", "job.passed")
            .getBytes(StandardCharsets.UTF_8);
    return List.of(
        new Case("valid", SECRET, valid, BODY, at + 10),
        new Case("plain secret", PLAIN_SECRET, signed(PLAIN_SECRET, null), BODY, at),
        new Case("unpadded whsec secret", UNPADDED, signed(UNPADDED, null), BODY, at),
        new Case("tampered body", SECRET, valid, tampered, at + 10),
        new Case("oldest accepted", SECRET, valid, BODY, at + 300),
        new Case("stale timestamp", SECRET, valid, BODY, at + 301),
        new Case("timestamp from the future", SECRET, valid, BODY, at - 301),
        new Case(
            "rotation, receiver on the previous secret",
            SECRET,
            signed(NEXT_SECRET, SECRET),
            BODY,
            at),
        new Case(
            "rotation, receiver on the new secret",
            NEXT_SECRET,
            signed(NEXT_SECRET, SECRET),
            BODY,
            at),
        new Case("wrong secret", whsec(3), valid, BODY, at),
        new Case("delivery id changed", SECRET, changedDelivery, BODY, at));
  }

  private static List<String> expected() {
    return List.of(
        "valid: y42=valid receive=accept,duplicate",
        "plain secret: y42=valid receive=accept,duplicate",
        "unpadded whsec secret: y42=valid receive=accept,duplicate",
        "tampered body: y42=invalid receive=reject,reject",
        "oldest accepted: y42=valid receive=accept,duplicate",
        // The body signature alone does not see the age: this is the replay it lets through.
        "stale timestamp: y42=valid receive=reject,reject",
        "timestamp from the future: y42=valid receive=reject,reject",
        // x-y42-signature carries the new secret only; webhook-signature carries both.
        "rotation, receiver on the previous secret: y42=invalid receive=accept,duplicate",
        "rotation, receiver on the new secret: y42=valid receive=accept,duplicate",
        "wrong secret: y42=invalid receive=reject,reject",
        "delivery id changed: y42=valid receive=reject,reject");
  }

  /** The headers of a request Fanout signs at {@link #SIGNED_AT}, lower-case names. */
  private static Map<String, String> signed(String secret, String previousOrNull) {
    Subscription subscription =
        new Subscription(
            "wh_1",
            "s",
            URI.create("https://hooks.example.invalid/y42"),
            List.of(new EventPattern("job.*")),
            true,
            new SigningSecret(secret),
            previousOrNull == null ? null : new SigningSecret(previousOrNull),
            previousOrNull == null ? null : SIGNED_AT.plus(Duration.ofDays(1)),
            "",
            null,
            new byte[0]);
    Event event = new Event("evt_1", "job.failed", "s", null, BODY);
    Origin origin = new Origin("y42.events.jobs", 0, 7, null, SIGNED_AT);
    WebhookRequest request =
        WebhookRequests.build(DeliveryTask.first(event, subscription, origin), SIGNED_AT);
    return request.headers().stream()
        .collect(Collectors.toMap(h -> h.name().toLowerCase(), WebhookRequest.Header::value));
  }

  private static String whsec(int seed) {
    return whsec(seed, 32);
  }

  private static String whsec(int seed, int bytes) {
    byte[] key = new byte[bytes];
    for (int i = 0; i < key.length; i++) {
      key[i] = (byte) (seed * 31 + i);
    }
    return "whsec_" + Base64.getEncoder().encodeToString(key);
  }

  /**
   * Runs the command once per case with the arguments secret file, body file, now, x-y42-delivery,
   * webhook-id, webhook-timestamp, webhook-signature, x-y42-signature and a file for the delivery
   * ids seen (the shell snippet's store; the others keep theirs in memory); returns "name: output"
   * per case.
   */
  private List<String> runEach(Function<Case, List<String>> command) throws Exception {
    List<String> results = new ArrayList<>();
    List<Case> cases = cases();
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      Path secret = Files.writeString(dir.resolve("secret-" + i), c.secret());
      Path body = Files.write(dir.resolve("body-" + i), c.body());
      List<String> args = new ArrayList<>(command.apply(c));
      args.addAll(
          List.of(
              secret.toString(),
              body.toString(),
              Long.toString(c.now()),
              c.headers().get("x-y42-delivery"),
              c.headers().get("webhook-id"),
              c.headers().get("webhook-timestamp"),
              c.headers().get("webhook-signature"),
              c.headers().get("x-y42-signature"),
              dir.resolve("seen-" + i).toString()));
      results.add(c.name() + ": " + run(args));
    }
    return results;
  }

  private String run(List<String> command) throws Exception {
    Path err = Files.createTempFile(dir, "stderr", ".txt");
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    if (!process.waitFor(PROCESS_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(command.get(0) + " did not finish within " + PROCESS_LIMIT);
    }
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue())
        .as("%s exit status; stderr: %s", command.get(0), Files.readString(err))
        .isZero();
    return out.strip();
  }

  private static boolean runs(String... command) {
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return false;
      }
      return process.exitValue() == 0;
    } catch (Exception e) {
      return false;
    }
  }

  /**
   * The code of the fenced block between {@code <!-- snippet LANG (begin) -->} and {@code <!--
   * snippet LANG (end) -->}, as the page shows it.
   */
  static String snippet(String language) throws Exception {
    List<String> lines = Files.readAllLines(PAGE);
    int begin = lines.indexOf("<!-- snippet " + language + " (begin) -->");
    int end = lines.indexOf("<!-- snippet " + language + " (end) -->");
    assertThat(begin).as("begin marker of the %s snippet", language).isNotNegative();
    assertThat(end).as("end marker of the %s snippet", language).isGreaterThan(begin + 2);
    assertThat(lines.get(begin + 1)).startsWith("```");
    assertThat(lines.get(end - 1)).isEqualTo("```");
    return String.join("\n", lines.subList(begin + 2, end - 1)) + "\n";
  }
}
