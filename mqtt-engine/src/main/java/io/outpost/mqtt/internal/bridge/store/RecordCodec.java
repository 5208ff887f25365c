package io.outpost.mqtt.internal.bridge.store;

import io.outpost.core.message.PayloadFormats;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

/**
 * Reads any record of a segment file by its version: whole messages ({@link MessageRecords}, versions 1 and 2) or
 * a poll's readings ({@link ReadingRecords}, version 3), both in the same {@link RecordFrame}. Stateless.
 */
final class RecordCodec {

    private RecordCodec() {
    }

    /** What recovery and the index need of a record, without decoding its items. */
    record Meta(long epoch, long firstSeq, long receivedAtMillis, long expiresAtMillis, int items) {
    }

    /** The meta data of the valid record at {@code buf}'s position. */
    static Meta meta(ByteBuffer buf) {
        int version = RecordFrame.version(buf);
        if (version == ReadingRecords.VERSION) {
            long[] m = ReadingRecords.meta(buf);
            return new Meta(m[0], m[1], m[2], Long.MAX_VALUE, (int) m[3]);
        }
        checkVersion(version);
        long[] m = MessageRecords.meta(buf);
        return new Meta(m[0], m[1], m[2], m[3], 1);
    }

    /**
     * Decodes the items of the valid record at {@code buf}'s position whose addresses are not {@code skipped}, in
     * order, into {@code out}; items whose route is unknown go to {@code unknown}.
     */
    static void decode(ByteBuffer buf, int classIndex, long segmentId, int offset, int length, RouteTable routes,
                       PayloadFormats formats, IntPredicate skipped, Consumer<StoredRecord> out, List<RecordRef> unknown) {
        int version = RecordFrame.version(buf);
        if (version == ReadingRecords.VERSION) {
            ReadingRecords.decode(buf, classIndex, segmentId, offset, length, routes, skipped, out, unknown);
            return;
        }
        checkVersion(version);
        if (!skipped.test(offset)) {
            out.accept(MessageRecords.decode(buf, new RecordRef(classIndex, segmentId, offset, length), formats));
        }
    }

    private static void checkVersion(int version) {
        if (version != MessageRecords.VERSION_1 && version != MessageRecords.VERSION) {
            throw new IllegalStateException("record format version " + version + " is not known to this gateway");
        }
    }
}
