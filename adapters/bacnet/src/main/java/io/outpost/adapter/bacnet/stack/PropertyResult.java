package io.outpost.adapter.bacnet.stack;

import com.serotonin.bacnet4j.type.Encodable;

/** What reading one property gave: its value, or the device's refusal (an error, reject or abort for it alone). */
public record PropertyResult(Encodable value, BacnetRequestException error) {

    public static PropertyResult of(Encodable value) {
        return new PropertyResult(value, null);
    }

    public static PropertyResult failed(BacnetRequestException error) {
        return new PropertyResult(null, error);
    }

    public boolean ok() {
        return error == null;
    }
}
