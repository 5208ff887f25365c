package io.outpost.mqtt.internal.broker.persist;

import io.outpost.core.message.Message;
import io.outpost.core.message.MessageHeader;
import io.outpost.core.message.MessageProperties;
import io.outpost.core.message.UserProperty;
import io.outpost.mqtt.internal.broker.persist.SessionState.MessageState;
import io.outpost.mqtt.internal.broker.persist.SessionState.SubscriptionState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The binary form of a {@link BrokerSnapshot}: a magic number and version, the records, and a CRC-32 of
 * everything before it, so that a torn or damaged file is recognized instead of half-read. Version 2 adds each
 * session's owner; version 1 files are still read (their sessions' owners are not known). Stateless.
 */
final class SnapshotCodec {

    private static final int MAGIC = 0x4F50424B; // "OPBK"
    private static final int VERSION = 2;
    private static final int VERSION_WITHOUT_OWNERS = 1;

    private SnapshotCodec() {
    }

    static byte[] encode(BrokerSnapshot snapshot) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(snapshot.retained().size());
            for (Message m : snapshot.retained()) {
                writeMessage(out, m);
            }
            out.writeInt(snapshot.sessions().size());
            for (SessionState s : snapshot.sessions()) {
                writeSession(out, s);
            }
            out.flush();
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    static BrokerSnapshot decode(byte[] data) throws IOException {
        if (data.length < 16) {
            throw new IOException("too short to be a broker snapshot (" + data.length + " bytes)");
        }
        CRC32 crc = new CRC32();
        crc.update(data, 0, data.length - 8);
        DataInputStream tail = new DataInputStream(new ByteArrayInputStream(data, data.length - 8, 8));
        if (tail.readLong() != crc.getValue()) {
            throw new IOException("checksum mismatch: the file is damaged");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(data, 0, data.length - 8));
        if (in.readInt() != MAGIC) {
            throw new IOException("not a broker snapshot");
        }
        int version = in.readInt();
        if (version != VERSION && version != VERSION_WITHOUT_OWNERS) {
            throw new IOException("snapshot version " + version + " is not known to this version of outpost");
        }
        int n = in.readInt();
        List<Message> retained = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            retained.add(readMessage(in));
        }
        n = in.readInt();
        List<SessionState> sessions = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            sessions.add(readSession(in, version));
        }
        return new BrokerSnapshot(retained, sessions);
    }

    private static void writeSession(DataOutputStream out, SessionState s) throws IOException {
        writeString(out, s.clientId());
        out.writeLong(s.expirySeconds());
        out.writeLong(s.disconnectedAtMillis());
        out.writeInt(s.subscriptions().size());
        for (SubscriptionState sub : s.subscriptions()) {
            writeString(out, sub.text());
            out.writeByte(sub.qos());
            out.writeBoolean(sub.noLocal());
            out.writeBoolean(sub.retainAsPublished());
            out.writeByte(sub.retainHandling());
            out.writeInt(sub.identifier());
        }
        writeMessages(out, s.inflight());
        writeMessages(out, s.queued());
        out.writeInt(s.awaitingRelease().size());
        for (int id : s.awaitingRelease()) {
            out.writeShort(id);
        }
        writeString(out, s.ownerUsername());
        out.writeByte(s.ownerKind());
    }

    private static SessionState readSession(DataInputStream in, int version) throws IOException {
        String clientId = readString(in);
        long expiry = in.readLong();
        long at = in.readLong();
        int n = in.readInt();
        List<SubscriptionState> subs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            subs.add(new SubscriptionState(readString(in), in.readByte(), in.readBoolean(), in.readBoolean(),
                    in.readByte(), in.readInt()));
        }
        List<MessageState> inflight = readMessages(in);
        List<MessageState> queued = readMessages(in);
        n = in.readInt();
        List<Integer> awaiting = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            awaiting.add(in.readUnsignedShort());
        }
        if (version == VERSION_WITHOUT_OWNERS) {
            return new SessionState(clientId, expiry, at, subs, inflight, queued, awaiting);
        }
        String owner = readString(in);
        return new SessionState(clientId, expiry, at, subs, inflight, queued, awaiting, owner, in.readUnsignedByte());
    }

    private static void writeMessages(DataOutputStream out, List<MessageState> list) throws IOException {
        out.writeInt(list.size());
        for (MessageState m : list) {
            writeMessage(out, m.message());
            out.writeByte(m.qos());
            out.writeBoolean(m.retain());
            out.writeInt(m.subscriptionIds().length);
            for (int id : m.subscriptionIds()) {
                out.writeInt(id);
            }
            out.writeShort(m.packetId());
            out.writeBoolean(m.released());
        }
    }

    private static List<MessageState> readMessages(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<MessageState> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Message m = readMessage(in);
            int qos = in.readByte();
            boolean retain = in.readBoolean();
            int[] ids = new int[in.readInt()];
            for (int k = 0; k < ids.length; k++) {
                ids[k] = in.readInt();
            }
            out.add(new MessageState(m, qos, retain, ids, in.readUnsignedShort(), in.readBoolean()));
        }
        return out;
    }

    private static void writeMessage(DataOutputStream out, Message m) throws IOException {
        writeString(out, m.topic());
        writeBytes(out, m.payload());
        out.writeByte(m.qos());
        out.writeBoolean(m.retain());
        out.writeInt(m.userProperties().size());
        for (UserProperty u : m.userProperties()) {
            writeString(out, u.name());
            writeString(out, u.value());
        }
        out.writeLong(m.messageExpirySeconds() == null ? -1 : m.messageExpirySeconds());
        writeString(out, m.contentType());
        writeString(out, m.responseTopic());
        writeBytes(out, m.correlationData());
        out.writeBoolean(m.payloadFormatUtf8());
        writeString(out, m.origin());
        out.writeLong(m.receivedAtMillis());
        out.writeInt(m.pointUpdates());
    }

    private static Message readMessage(DataInputStream in) throws IOException {
        String topic = readString(in);
        byte[] payload = readBytes(in);
        int qos = in.readByte();
        boolean retain = in.readBoolean();
        int n = in.readInt();
        List<UserProperty> props = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            props.add(new UserProperty(readString(in), readString(in)));
        }
        long expiry = in.readLong();
        String contentType = readString(in);
        String responseTopic = readString(in);
        byte[] correlation = readBytes(in);
        boolean utf8 = in.readBoolean();
        String origin = readString(in);
        long at = in.readLong();
        // The point updates count of earlier snapshots: a message read back from here is bytes only.
        in.readInt();
        MessageProperties properties = new MessageProperties(props, expiry < 0 ? null : expiry, contentType,
                responseTopic, correlation, utf8);
        return Message.of(new MessageHeader(topic, qos, retain, properties, origin),
                payload == null ? new byte[0] : payload, at);
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        writeBytes(out, s == null ? null : s.getBytes(StandardCharsets.UTF_8));
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] b = readBytes(in);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        if (b == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        if (n > in.available()) {
            throw new IOException("a length of " + n + " runs past the end of the file");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
