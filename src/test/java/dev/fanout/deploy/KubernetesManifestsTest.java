package dev.fanout.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.fanout.config.Durations;
import java.io.File;
import java.io.FileReader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The manifests under deploy/k8s agree with each other, with config/fanout.properties, with the
 * Dockerfile and with the alert rules: names, labels and selectors, ports, probe paths, config
 * keys, the grace period and the replica cap.
 */
class KubernetesManifestsTest {
  private static final Path K8S = Path.of("deploy/k8s");
  private static final Map<String, JsonNode> BY_KIND = new HashMap<>();
  private static Properties defaults;
  private static Properties configured;

  @BeforeAll
  static void read() throws Exception {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    try (Stream<Path> files = Files.list(K8S)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        try (MappingIterator<JsonNode> docs =
            yaml.readerFor(JsonNode.class).readValues(file.toFile())) {
          for (JsonNode doc : docs.readAll()) {
            assertThat(BY_KIND.put(doc.path("kind").asText(), doc))
                .as("one %s in %s", doc.path("kind").asText(), K8S)
                .isNull();
          }
        }
      }
    }
    defaults = new Properties();
    try (FileReader in = new FileReader("config/fanout.properties")) {
      defaults.load(in);
    }
    configured = new Properties();
    configured.load(
        new StringReader(kind("ConfigMap").path("data").path(configFileName()).asText()));
  }

  @Test
  void everyManifestIsListedInTheKustomization() throws Exception {
    List<String> listed = new ArrayList<>();
    kind("Kustomization").path("resources").forEach(r -> listed.add(r.asText()));
    try (Stream<Path> files = Files.list(K8S)) {
      assertThat(listed)
          .containsExactlyInAnyOrderElementsOf(
              files
                  .map(f -> f.getFileName().toString())
                  .filter(f -> f.endsWith(".yaml") && !f.equals("kustomization.yaml"))
                  .toList());
    }
    assertThat(new File("deploy/kubernetes.yaml")).doesNotExist();
  }

  @Test
  void everyConfiguredKeyExistsWithADefault() {
    assertThat(configured.stringPropertyNames()).isNotEmpty();
    assertThat(defaults.stringPropertyNames()).containsAll(configured.stringPropertyNames());
  }

  @Test
  void theWorkerReadsTheConfigMapAsItsConfigFile() {
    JsonNode pod = podSpec();
    JsonNode container = container();
    List<String> args = texts(container.path("args"));
    String file = args.get(args.indexOf("--config") + 1);
    assertThat(args).endsWith("worker");
    JsonNode mount = mountNamed(container, volumeOf(pod, "configMap"));
    assertThat(file).isEqualTo(mount.path("mountPath").asText() + "/" + configFileName());
    assertThat(volume(pod, mount.path("name").asText()).path("configMap").path("name").asText())
        .isEqualTo(kind("ConfigMap").path("metadata").path("name").asText());
  }

  @Test
  void labelsAndSelectorsLineUp() {
    JsonNode deployment = kind("Deployment");
    JsonNode podLabels = deployment.path("spec").path("template").path("metadata").path("labels");
    assertMatches(deployment.path("spec").path("selector").path("matchLabels"), podLabels);
    assertMatches(kind("Service").path("spec").path("selector"), podLabels);
    assertMatches(
        kind("PodDisruptionBudget").path("spec").path("selector").path("matchLabels"), podLabels);
    assertMatches(
        kind("ServiceMonitor").path("spec").path("selector").path("matchLabels"),
        kind("Service").path("metadata").path("labels"));
    assertThat(kind("ScaledObject").path("spec").path("scaleTargetRef").path("name").asText())
        .isEqualTo(deployment.path("metadata").path("name").asText());
  }

  @Test
  void portsAndProbesReachTheManagementServer() {
    JsonNode container = container();
    JsonNode port = container.path("ports").get(0);
    String portName = port.path("name").asText();
    assertThat(port.path("containerPort").asText()).isEqualTo(setting("management.port"));
    assertThat(setting("management.bind-address")).isEqualTo("0.0.0.0");
    assertThat(probe(container, "livenessProbe", portName)).isEqualTo("/health/live");
    assertThat(probe(container, "startupProbe", portName)).isEqualTo("/health/live");
    assertThat(probe(container, "readinessProbe", portName)).isEqualTo("/health/ready");

    JsonNode servicePort = kind("Service").path("spec").path("ports").get(0);
    assertThat(servicePort.path("targetPort").asText()).isEqualTo(portName);
    JsonNode endpoint = kind("ServiceMonitor").path("spec").path("endpoints").get(0);
    assertThat(endpoint.path("port").asText()).isEqualTo(servicePort.path("name").asText());
    assertThat(endpoint.path("path").asText()).isEqualTo("/metrics");
  }

  @Test
  void gracePeriodOutlastsShutdownAndDrain() {
    Duration needed =
        Durations.parse(setting("shutdown.timeout"))
            .plus(Durations.parse(setting("rebalance.drain-timeout")));
    long grace = podSpec().path("terminationGracePeriodSeconds").asLong();
    assertThat(Duration.ofSeconds(grace)).isGreaterThan(needed);
  }

  @Test
  void runsNonRootOnAReadOnlyRootWithAWritableTmp() {
    JsonNode pod = podSpec();
    JsonNode container = container();
    assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
    assertThat(container.path("securityContext").path("readOnlyRootFilesystem").asBoolean())
        .isTrue();
    JsonNode tmp = mountNamed(container, volumeOf(pod, "emptyDir"));
    assertThat(tmp.path("mountPath").asText()).isEqualTo("/tmp");
    assertThat(container.path("resources").path("limits").path("memory").isMissingNode()).isFalse();
  }

  @Test
  void encryptionKeysComeFromASecret() {
    JsonNode keys = null;
    for (JsonNode env : container().path("env")) {
      if (env.path("name").asText().equals("FANOUT_SECRET_KEYS")) {
        keys = env;
      }
    }
    assertThat(keys).as("FANOUT_SECRET_KEYS").isNotNull();
    assertThat(keys.path("valueFrom").path("secretKeyRef").path("name").asText()).isNotBlank();
    assertThat(keys.has("value")).as("no key in the manifest itself").isFalse();
  }

  @Test
  void scalesOnEveryEventTopicsLagUpToThePartitions() {
    JsonNode spec = kind("ScaledObject").path("spec");
    assertThat(spec.path("maxReplicaCount").asText()).isEqualTo(setting("topics.partitions"));
    List<String> topics = new ArrayList<>();
    for (JsonNode trigger : spec.path("triggers")) {
      JsonNode meta = trigger.path("metadata");
      assertThat(trigger.path("type").asText()).isEqualTo("kafka");
      assertThat(meta.path("consumerGroup").asText()).isEqualTo(setting("consumer.group-id"));
      assertThat(meta.path("bootstrapServers").asText())
          .isEqualTo(setting("kafka.bootstrap.servers"));
      topics.add(meta.path("topic").asText());
    }
    assertThat(topics)
        .containsExactlyInAnyOrderElementsOf(Arrays.asList(setting("topics.events").split(",")));
  }

  @Test
  void imageAndAlertsAgreeWithTheManifests() throws Exception {
    String dockerfile = Files.readString(Path.of("Dockerfile"));
    assertThat(dockerfile)
        .contains("EXPOSE " + setting("management.port"))
        .contains("ENTRYPOINT [\"java\", \"-jar\", \"/app/fanout-worker.jar\"]")
        .contains("HEALTHCHECK")
        .contains("USER 10001");
    assertThat(podSpec().path("securityContext").path("runAsUser").asText()).isEqualTo("10001");
    String alerts = Files.readString(Path.of("deploy/prometheus/alerts.yaml"));
    assertThat(alerts)
        .contains("job=\"" + kind("Service").path("metadata").path("name").asText() + "\"");
  }

  private static String setting(String key) {
    return configured.getProperty(key, defaults.getProperty(key));
  }

  private static String configFileName() {
    return kind("ConfigMap").path("data").fieldNames().next();
  }

  private static JsonNode kind(String kind) {
    JsonNode node = BY_KIND.get(kind);
    assertThat(node).as("a %s under %s", kind, K8S).isNotNull();
    return node;
  }

  private static JsonNode podSpec() {
    return kind("Deployment").path("spec").path("template").path("spec");
  }

  private static JsonNode container() {
    return podSpec().path("containers").get(0);
  }

  private static String probe(JsonNode container, String probe, String portName) {
    JsonNode get = container.path(probe).path("httpGet");
    assertThat(get.path("port").asText()).as("%s port", probe).isEqualTo(portName);
    return get.path("path").asText();
  }

  private static String volumeOf(JsonNode pod, String type) {
    for (JsonNode volume : pod.path("volumes")) {
      if (volume.has(type)) {
        return volume.path("name").asText();
      }
    }
    throw new AssertionError("no " + type + " volume");
  }

  private static JsonNode volume(JsonNode pod, String name) {
    for (JsonNode volume : pod.path("volumes")) {
      if (volume.path("name").asText().equals(name)) {
        return volume;
      }
    }
    throw new AssertionError("no volume " + name);
  }

  private static JsonNode mountNamed(JsonNode container, String name) {
    for (JsonNode mount : container.path("volumeMounts")) {
      if (mount.path("name").asText().equals(name)) {
        return mount;
      }
    }
    throw new AssertionError("volume " + name + " is not mounted");
  }

  private static void assertMatches(JsonNode selector, JsonNode labels) {
    assertThat(selector.size()).isPositive();
    selector
        .fields()
        .forEachRemaining(
            e -> assertThat(labels.path(e.getKey()).asText()).isEqualTo(e.getValue().asText()));
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(n -> texts.add(n.asText()));
    return texts;
  }
}
