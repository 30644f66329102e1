#!/usr/bin/env bash
# Makes the class-data sharing archives of the mezzo jar (run by the cli module's package phase):
# a training cluster of one ZooKeeper, one master and one agent starts and stops, and each JVM
# (the `cluster create` command's too) dumps the classes it loaded into target/cds/<role>.jsa at
# its exit. Nodes and the ./mezzo launcher use them when present (ClassDataArchive); without
# them everything works, only slower to start. So a failure here never fails the build.
set -uo pipefail
TARGET="$(cd "$1" && pwd)"
JAR="$TARGET/mezzo.jar"
OUT="$TARGET/cds"
TRAINING="$TARGET/cds-training"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

rm -rf "$OUT" "$TRAINING"
mkdir -p "$OUT"
if [[ "${MEZZO_CDS_SKIP:-}" == "true" ]]; then
  echo "cds: skipped (MEZZO_CDS_SKIP=true)"
  exit 0
fi
export MEZZO_HOME="$TRAINING"
export MEZZO_ZOOKEEPER_JAVA_OPTS="-XX:ArchiveClassesAtExit=$OUT/zookeeper.jsa"
export MEZZO_MASTER_JAVA_OPTS="-XX:ArchiveClassesAtExit=$OUT/master.jsa"
export MEZZO_AGENT_JAVA_OPTS="-XX:ArchiveClassesAtExit=$OUT/agent.jsa"
if ! "$JAVA" -XX:ArchiveClassesAtExit="$OUT/cli.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off -jar "$JAR" \
    cluster create --name cds-training --agents 1 --agent-resources 'cpus:1;mem:512' --timeout 180s \
    > "$TARGET/cds-training.log" 2>&1; then
  echo "cds: the training cluster did not start (see $TARGET/cds-training.log); no archives, nodes start without them"
fi
unset MEZZO_ZOOKEEPER_JAVA_OPTS MEZZO_MASTER_JAVA_OPTS MEZZO_AGENT_JAVA_OPTS
"$JAVA" -jar "$JAR" cluster delete --name cds-training >> "$TARGET/cds-training.log" 2>&1
rm -rf "$TRAINING"
for role in cli zookeeper master agent; do
  if [[ -f "$OUT/$role.jsa" ]]; then
    echo "cds: $OUT/$role.jsa ($(du -k "$OUT/$role.jsa" | cut -f1) KB)"
  else
    echo "cds: no archive for $role"
  fi
done
exit 0
