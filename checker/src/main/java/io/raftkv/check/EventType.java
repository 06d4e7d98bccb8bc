package io.raftkv.check;

import java.util.Optional;

/** The {@code type} field of a history line: an invocation or one of the three kinds of completion. */
public enum EventType {
    /** The client sent the request. */
    INVOKE("invoke"),
    /** The operation took effect exactly once between its invoke and this event. */
    OK("ok"),
    /** The operation took no effect (for cas: the compare did not match). */
    FAIL("fail"),
    /** The outcome is unknown: the operation may take effect at any moment after its invoke, or never. */
    INFO("info");

    private final String jsonName;

    EventType(String jsonName) {
        this.jsonName = jsonName;
    }

    public String jsonName() {
        return jsonName;
    }

    public boolean isCompletion() {
        return this != INVOKE;
    }

    static Optional<EventType> fromJson(String name) {
        for (EventType type : values()) {
            if (type.jsonName.equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
