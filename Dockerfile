# Build stage: compile and package the single runnable jar.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY config config
COPY src src
RUN mvn -B -q package -DskipTests

# Run stage: a JRE and the jar, as a non-root user.
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --no-create-home fanout
WORKDIR /app
COPY --from=build /src/target/fanout.jar /app/fanout.jar
COPY config/fanout.properties /app/config/fanout.properties
USER 10001
EXPOSE 9400
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "-jar", "/app/fanout.jar"]
CMD ["worker"]
