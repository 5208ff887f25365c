#!/usr/bin/env python3
"""A small command-line MQTT client on python paho (Debian python3-paho-mqtt 1.6.1), used by Outpost's broker
tests as an independent peer. It connects, subscribes, publishes, waits for a number of messages and prints what
happened, one fact per line:

    CONNACK <rc>            the broker's answer (0 = accepted; MQTT 5 reason codes for -V 5)
    SUBACK <codes>          granted QoS / reason codes, comma separated
    PUBACK <topic>          a publication completed (for QoS 1/2: acknowledged)
    MSG <topic> <qos> <retain> <payload> [k=v ...]   a received message with its user properties
    DONE                    every expected message arrived

Exit codes: 0 done, 2 timed out, 3 connection refused or lost.
"""
import argparse
import ssl
import sys
import threading

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--version", default="5", choices=["3", "5"])
    ap.add_argument("--transport", default="tcp", choices=["tcp", "websockets"])
    ap.add_argument("--path", default="/mqtt")
    ap.add_argument("--ca")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--id", default="")
    ap.add_argument("--sub", action="append", default=[], help="filter or filter@qos")
    ap.add_argument("--pub", action="append", default=[], help="topic=payload")
    ap.add_argument("--qos", type=int, default=1)
    ap.add_argument("--retain", action="store_true")
    ap.add_argument("--user-property", action="append", default=[], help="k=v on every publication")
    ap.add_argument("--expect", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=10)
    a = ap.parse_args()

    v5 = a.version == "5"
    if v5:
        c = mqtt.Client(client_id=a.id, protocol=mqtt.MQTTv5, transport=a.transport)
    else:
        c = mqtt.Client(client_id=a.id, protocol=mqtt.MQTTv311, transport=a.transport, clean_session=True)
    if a.transport == "websockets":
        c.ws_set_options(path=a.path)
    if a.ca:
        c.tls_set(ca_certs=a.ca, certfile=a.cert, keyfile=a.key, tls_version=ssl.PROTOCOL_TLS_CLIENT)
    if a.user:
        c.username_pw_set(a.user, a.password)

    connected = threading.Event()
    subscribed = threading.Event()
    done = threading.Event()
    state = {"rc": None, "received": 0}

    def on_connect(client, userdata, flags, rc, properties=None):
        state["rc"] = int(rc.value) if hasattr(rc, "value") else int(rc)
        print("CONNACK %d" % state["rc"], flush=True)
        connected.set()

    def on_subscribe(client, userdata, mid, granted, properties=None):
        codes = [str(int(g.value) if hasattr(g, "value") else int(g)) for g in granted]
        print("SUBACK " + ",".join(codes), flush=True)
        subscribed.set()

    def on_message(client, userdata, msg):
        extra = ""
        props = getattr(msg, "properties", None)
        if props is not None and hasattr(props, "UserProperty"):
            extra = " " + " ".join("%s=%s" % (k, v) for k, v in props.UserProperty)
        print("MSG %s %d %d %s%s" % (msg.topic, msg.qos, 1 if msg.retain else 0,
                                     msg.payload.decode("utf-8", "replace"), extra), flush=True)
        state["received"] += 1
        if a.expect and state["received"] >= a.expect:
            done.set()

    def on_disconnect(client, userdata, rc, properties=None):
        if not done.is_set():
            connected.set()
            subscribed.set()

    c.on_connect = on_connect
    c.on_subscribe = on_subscribe
    c.on_message = on_message
    c.on_disconnect = on_disconnect
    try:
        if v5:
            c.connect(a.host, a.port, keepalive=30, clean_start=True)
        else:
            c.connect(a.host, a.port, keepalive=30)
    except Exception as e:  # the broker refused the TCP/TLS/WebSocket connection itself
        print("ERROR %s" % e, flush=True)
        return 3
    c.loop_start()
    if not connected.wait(a.timeout) or state["rc"] != 0:
        c.loop_stop()
        return 3
    for s in a.sub:
        topic, _, qos = s.partition("@")
        subscribed.clear()
        c.subscribe(topic, int(qos or a.qos))
        if not subscribed.wait(a.timeout):
            return 2
    for p in a.pub:
        topic, _, payload = p.partition("=")
        props = None
        if v5 and a.user_property:
            props = Properties(PacketTypes.PUBLISH)
            props.UserProperty = [tuple(kv.split("=", 1)) for kv in a.user_property]
        info = c.publish(topic, payload, qos=a.qos, retain=a.retain, properties=props) if v5 else \
            c.publish(topic, payload, qos=a.qos, retain=a.retain)
        info.wait_for_publish(a.timeout)
        if info.is_published():
            print("PUBACK " + topic, flush=True)
    ok = True
    if a.expect:
        ok = done.wait(a.timeout)
    if ok:
        print("DONE", flush=True)
    c.disconnect()
    c.loop_stop()
    return 0 if ok else 2


if __name__ == "__main__":
    sys.exit(main())
