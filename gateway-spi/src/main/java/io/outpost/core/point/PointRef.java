package io.outpost.core.point;

import java.util.Objects;

/** Identifies a point: point ids are unique within their device. Written {@code device/point}. */
public record PointRef(String device, String point) {

    public PointRef {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(point, "point");
    }

    @Override
    public String toString() {
        return device + "/" + point;
    }
}
