package io.raftkv.check;

import java.util.Optional;

/** What an operation does to its key: the {@code f} field of a history line. */
public enum Command {
    READ("read"),
    WRITE("write"),
    CAS("cas");

    private final String jsonName;

    Command(String jsonName) {
        this.jsonName = jsonName;
    }

    /** The name used in the {@code f} field. */
    public String jsonName() {
        return jsonName;
    }

    static Optional<Command> fromJson(String name) {
        for (Command command : values()) {
            if (command.jsonName.equals(name)) {
                return Optional.of(command);
            }
        }
        return Optional.empty();
    }
}
