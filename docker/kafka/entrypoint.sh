#!/bin/sh
# The local Kafka image's entry point: one KRaft node (broker and controller in one JVM), the
# settings of libs/local-infra's KafkaBroker, with two listeners: INTERNAL for the containers of
# the compose network (KAFKA_INTERNAL_HOST:9092) and EXTERNAL for the host (published port,
# advertised as KAFKA_EXTERNAL_ADDRESS). Storage is formatted on the first start of a volume.
set -eu
data=/var/lib/kafka
conf="$data/server.properties"
internal_host="${KAFKA_INTERNAL_HOST:-kafka}"
external_address="${KAFKA_EXTERNAL_ADDRESS:-127.0.0.1:9094}"
heap_mb="${KAFKA_HEAP_MB:-512}"

cat >"$conf" <<PROPERTIES
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:9093
listeners=INTERNAL://0.0.0.0:9092,EXTERNAL://0.0.0.0:9094,CONTROLLER://127.0.0.1:9093
advertised.listeners=INTERNAL://${internal_host}:9092,EXTERNAL://${external_address}
controller.listener.names=CONTROLLER
listener.security.protocol.map=INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=INTERNAL
log.dirs=${data}/data
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=2000
auto.create.topics.enable=false
log.retention.ms=-1
PROPERTIES

classpath='/opt/kafka/libs/*'
if [ ! -f "$data/data/meta.properties" ]; then
  # A KRaft cluster id: 16 random bytes, URL-safe base64 without padding.
  cluster_id="${KAFKA_CLUSTER_ID:-$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')}"
  java -Xmx128m -cp "$classpath" kafka.tools.StorageTool format "--cluster-id=$cluster_id" -c "$conf"
fi
exec java "-Xmx${heap_mb}m" -XX:+UseG1GC -XX:TieredStopAtLevel=1 \
  -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.yaml \
  -cp "$classpath" kafka.Kafka "$conf"
