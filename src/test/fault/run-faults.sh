#!/usr/bin/env bash
# Runs the fault scenarios against real processes (a KRaft broker, Fanout workers from
# target/fanout.jar, receivers on 127.0.0.1) and writes docs/reliability.md from what they measured.
#
#   src/test/fault/run-faults.sh [--scale ci|full] [--only NAME,...] [--soak 30m] [--report FILE]
#
# Scenarios: kill-9 sigterm rolling-restart membership-churn broker-outage failing-then-healing
# slow-endpoint resetting-endpoint poison. --soak adds a long run with a fault every 2 minutes.
# Exits 1 when a pass criterion failed; the report says which. Every child process is stopped when
# the run ends, however it ends.
set -euo pipefail
cd "$(dirname "$0")/../../.."
mvn -B -q package -DskipTests
mvn -B -q test-compile
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/fault-classpath.txt
exec java -Xmx1g -cp "target/test-classes:target/classes:$(cat target/fault-classpath.txt)" \
  dev.fanout.fault.FaultSuite "$@"
