#!/usr/bin/env python3
"""An MQTT 3.1.1 publisher on python paho (Debian python3-paho-mqtt 1.6.1) that sends a burst of QoS 1 messages
without waiting for acknowledgements, the way paho resends its queue after a reconnect: COUNT messages on TOPIC
(payload = TOPIC/number), with paho's inflight limit raised to COUNT. Prints, one fact per line:

    ACKED <n>          messages whose PUBACK came
    DISCONNECTS <n>    times the broker closed the connection

Exit codes: 0 every message acknowledged on the first connection, 2 timed out, 3 refused or disconnected.
"""
import argparse
import sys
import threading
import time

import paho.mqtt.client as mqtt


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--id", default="paho-burst")
    ap.add_argument("--topic", default="burst/x")
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--timeout", type=float, default=30)
    a = ap.parse_args()

    c = mqtt.Client(client_id=a.id, protocol=mqtt.MQTTv311, clean_session=True)
    c.max_inflight_messages_set(a.count)
    c.max_queued_messages_set(0)
    connected = threading.Event()
    lock = threading.Lock()
    acked = set()
    disconnects = [0]
    failed = [None]

    def on_connect(client, userdata, flags, rc):
        if rc != 0:
            failed[0] = "CONNACK %d" % rc
        connected.set()

    def on_publish(client, userdata, mid):
        with lock:
            acked.add(mid)

    def on_disconnect(client, userdata, rc):
        disconnects[0] += 1

    c.on_connect = on_connect
    c.on_publish = on_publish
    c.on_disconnect = on_disconnect
    # Queued before the connection is up, the burst goes out right after CONNACK, as paho resends after a reconnect.
    mids = [c.publish(a.topic, "%s/%d" % (a.topic, i), qos=1).mid for i in range(a.count)]
    c.connect("127.0.0.1", a.port, keepalive=60)
    c.loop_start()
    if not connected.wait(10) or failed[0]:
        print("REFUSED", failed[0])
        sys.exit(3)
    deadline = time.time() + a.timeout
    while time.time() < deadline:
        with lock:
            if len(acked) >= a.count or disconnects[0]:
                break
        time.sleep(0.05)
    c.loop_stop()
    with lock:
        n = len(acked.intersection(mids))
    print("ACKED", n)
    print("DISCONNECTS", disconnects[0])
    sys.stdout.flush()
    if disconnects[0]:
        sys.exit(3)
    sys.exit(0 if n == a.count else 2)


if __name__ == "__main__":
    main()
