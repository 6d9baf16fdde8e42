# Build stage: compile and package. `mvn package` makes target/fanout.jar (everything, demo and
# bench included) and target/fanout-worker.jar (no embedded Kafka broker, Netty or HdrHistogram),
# the one this image runs.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY config config
COPY src src
RUN mvn -B -q package -DskipTests

# Run stage: a JRE and the worker jar, as a non-root user. The jar carries config/fanout.properties
# as its defaults; mount a file and pass --config FILE, or set FANOUT_<KEY> variables.
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --no-create-home fanout
WORKDIR /app
COPY --from=build /src/target/fanout-worker.jar /app/fanout-worker.jar
USER 10001
# management.port: /metrics, /health/live, /health/ready.
EXPOSE 9400
# Heap from the container's memory limit, not the node's; exit (and be restarted) on OOM.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
# No curl or wget needed in the base image: a small class in the jar asks /health/live on the management port
# (FANOUT_MANAGEMENT_PORT, else 9400). Kubernetes uses its own probes (deploy/k8s/deployment.yaml).
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["java", "-Xmx16m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", "/app/fanout-worker.jar", "dev.fanout.cli.ContainerHealthCheck"]
ENTRYPOINT ["java", "-jar", "/app/fanout-worker.jar"]
CMD ["worker"]
