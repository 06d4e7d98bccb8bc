package io.raftkv.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The history of one key encoded for the search: operations the model must consider, their
 * register semantics over small integer value codes, and their call and return positions.
 *
 * <p>What is dropped, and why: failed operations took no effect; reads whose outcome is unknown
 * (info or pending) have no effect and nothing to check; and optional operations that cannot
 * matter (see {@link #dropIrrelevant}). Operations that completed ok are <em>required</em>: the
 * search must linearize all of them. Info and pending writes and cas operations are
 * <em>optional</em>: their return is at +infinity and the search may leave them out, which is
 * exactly "may take effect at any moment after the invoke, or never".
 *
 * <p>Values are interned per key; code 0 is {@link Value#NIL}, the initial state. Immutable.
 */
final class KeyProblem {
    /** A return position after every event: where optional operations' returns go. */
    static final int POSITION_INFINITE = Integer.MAX_VALUE;

    private static final byte READ = 0;
    private static final byte WRITE = 1;
    private static final byte CAS = 2;

    private final List<Operation> operations;
    private final byte[] kinds;
    private final int[] arguments;
    private final int[] replacements;
    private final boolean[] required;
    private final int[] callPositions;
    private final int[] returnPositions;
    /** For an optional operation, the last optional one invoked before it with the very same call, or -1. */
    private final int[] previousSameCall;
    private final int requiredCount;

    private KeyProblem(List<Operation> operations) {
        int size = operations.size();
        this.operations = List.copyOf(operations);
        this.kinds = new byte[size];
        this.arguments = new int[size];
        this.replacements = new int[size];
        this.required = new boolean[size];
        this.callPositions = new int[size];
        this.returnPositions = new int[size];
        this.previousSameCall = new int[size];
        Map<Value, Integer> codes = new HashMap<>();
        codes.put(Value.NIL, 0);
        Map<List<Integer>, Integer> lastOptionalByCall = new HashMap<>();
        int requiredSoFar = 0;
        for (int i = 0; i < size; i++) {
            Operation operation = operations.get(i);
            switch (operation.call()) {
                case Call.Read read -> {
                    kinds[i] = READ;
                    arguments[i] = code(codes, read.observed().orElseThrow());
                }
                case Call.Write write -> {
                    kinds[i] = WRITE;
                    arguments[i] = code(codes, write.value());
                }
                case Call.Cas cas -> {
                    kinds[i] = CAS;
                    arguments[i] = code(codes, cas.expected());
                    replacements[i] = code(codes, cas.replacement());
                }
            }
            required[i] = operation.outcome() == Outcome.OK;
            requiredSoFar += required[i] ? 1 : 0;
            callPositions[i] = operation.invoke().eventIndex();
            returnPositions[i] = required[i] ? operation.complete().orElseThrow().eventIndex() : POSITION_INFINITE;
            Invariants.check(callPositions[i] < returnPositions[i], "call before return: %s", operation);
            List<Integer> call = List.of((int) kinds[i], arguments[i], replacements[i]);
            previousSameCall[i] = required[i] ? -1 : lastOptionalByCall.getOrDefault(call, -1);
            if (!required[i]) {
                lastOptionalByCall.put(call, i);
            }
        }
        this.requiredCount = requiredSoFar;
    }

    /** Encodes one key's history (all its operations must be on that key). */
    static KeyProblem encode(History keyHistory) {
        List<Operation> kept = new ArrayList<>();
        for (Operation operation : keyHistory.operations()) {
            boolean tookNoEffect = operation.outcome() == Outcome.FAIL;
            boolean readWithoutResult = operation.call() instanceof Call.Read && operation.outcome() != Outcome.OK;
            if (!tookNoEffect && !readWithoutResult) {
                kept.add(operation);
            }
        }
        return new KeyProblem(dropIrrelevant(kept));
    }

    /**
     * Drops optional operations whose resulting value no read saw and no cas expects. Applying
     * one leaves the register holding a value that any later read or cas would reject, so in any
     * linearization it is followed only by a write (which overwrites it) or by nothing: leaving
     * it out changes nothing. Without this, every info write that never took effect multiplies
     * the configurations a failing search must rule out. Dropping a cas can make its expected
     * value irrelevant in turn, so this repeats until nothing changes (at most once per op).
     */
    private static List<Operation> dropIrrelevant(List<Operation> operations) {
        List<Operation> kept = operations;
        while (true) {
            Set<Value> depended = new HashSet<>();
            for (Operation operation : kept) {
                switch (operation.call()) {
                    case Call.Read read -> depended.add(read.observed().orElseThrow());
                    case Call.Cas cas -> depended.add(cas.expected());
                    case Call.Write write -> { }
                }
            }
            List<Operation> next = new ArrayList<>(kept.size());
            for (Operation operation : kept) {
                Value result = switch (operation.call()) {
                    case Call.Read read -> null;
                    case Call.Write write -> write.value();
                    case Call.Cas cas -> cas.replacement();
                };
                if (operation.outcome() == Outcome.OK || result == null || depended.contains(result)) {
                    next.add(operation);
                }
            }
            if (next.size() == kept.size()) {
                return next;
            }
            kept = next;
        }
    }

    private static int code(Map<Value, Integer> codes, Value value) {
        return codes.computeIfAbsent(value, unused -> codes.size());
    }

    /**
     * The register model: the state after applying {@code operation} in {@code state}, or -1 if
     * the operation cannot happen there (a read that saw another value, a cas whose compare fails).
     */
    int step(int operation, int state) {
        return switch (kinds[operation]) {
            case READ -> arguments[operation] == state ? state : -1;
            case WRITE -> arguments[operation];
            case CAS -> arguments[operation] == state ? replacements[operation] : -1;
            default -> throw new AssertionError("unknown kind " + kinds[operation]);
        };
    }

    int size() {
        return kinds.length;
    }

    boolean required(int operation) {
        return required[operation];
    }

    int requiredCount() {
        return requiredCount;
    }

    int callPosition(int operation) {
        return callPositions[operation];
    }

    int returnPosition(int operation) {
        return returnPositions[operation];
    }

    /**
     * The optional operation invoked last before {@code operation} with the same call (same
     * command and values), or -1. Two such operations are interchangeable once both are invoked:
     * both may take effect at any later moment, or never. So the search only ever applies the
     * earlier one first, which keeps it from trying every subset of identical info operations.
     */
    int previousSameCall(int operation) {
        return previousSameCall[operation];
    }

    Operation operation(int operation) {
        return operations.get(operation);
    }
}
