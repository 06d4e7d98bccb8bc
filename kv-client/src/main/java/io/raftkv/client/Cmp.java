package io.raftkv.client;

import java.util.Arrays;
import java.util.Objects;

/**
 * A transaction guard: one attribute of a key compared with a constant, e.g.
 * {@code Cmp.value("k").equal("v")} or {@code Cmp.version("k").greater(3)}.
 *
 * <p>A missing key has version, create revision and mod revision 0, and never compares true on
 * its value. Immutable.
 *
 * @param number the operand for VERSION, CREATE_REVISION and MOD_REVISION (0 for VALUE)
 * @param value the operand for VALUE (empty otherwise)
 */
public record Cmp(Target target, Result result, byte[] key, long number, byte[] value) {

  /** What is compared. */
  public enum Target {
    VERSION,
    CREATE_REVISION,
    MOD_REVISION,
    VALUE
  }

  /** How it is compared: attribute {@code result} operand, e.g. version GREATER 3. */
  public enum Result {
    EQUAL,
    NOT_EQUAL,
    GREATER,
    LESS
  }

  public Cmp {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(result, "result");
    key = Bytes.copy(Objects.requireNonNull(key, "key"));
    value = Bytes.copy(Objects.requireNonNull(value, "value"));
    if (target != Target.VALUE && value.length != 0) {
      throw new IllegalArgumentException("a " + target + " compare takes a number, not a value");
    }
    if (target == Target.VALUE && number != 0) {
      throw new IllegalArgumentException("a VALUE compare takes a value, not a number");
    }
  }

  public static ValueOperand value(byte[] key) {
    return new ValueOperand(key);
  }

  public static ValueOperand value(String key) {
    return new ValueOperand(Bytes.utf8(key));
  }

  public static NumberOperand version(byte[] key) {
    return new NumberOperand(Target.VERSION, key);
  }

  public static NumberOperand version(String key) {
    return version(Bytes.utf8(key));
  }

  public static NumberOperand createRevision(byte[] key) {
    return new NumberOperand(Target.CREATE_REVISION, key);
  }

  public static NumberOperand createRevision(String key) {
    return createRevision(Bytes.utf8(key));
  }

  public static NumberOperand modRevision(byte[] key) {
    return new NumberOperand(Target.MOD_REVISION, key);
  }

  public static NumberOperand modRevision(String key) {
    return modRevision(Bytes.utf8(key));
  }

  @Override
  public byte[] key() {
    return Bytes.copy(key);
  }

  @Override
  public byte[] value() {
    return Bytes.copy(value);
  }

  byte[] keyUnsafe() {
    return key;
  }

  byte[] valueUnsafe() {
    return value;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Cmp that
        && target == that.target
        && result == that.result
        && number == that.number
        && Arrays.equals(key, that.key)
        && Arrays.equals(value, that.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(target, result, number, Arrays.hashCode(key), Arrays.hashCode(value));
  }

  @Override
  public String toString() {
    String operand = target == Target.VALUE ? Bytes.show(value) : Long.toString(number);
    return "Cmp[" + target + "(" + Bytes.show(key) + ") " + result + " " + operand + "]";
  }

  /** Half-built value compare; finish it with a comparison. */
  public static final class ValueOperand {
    private final byte[] key;

    private ValueOperand(byte[] key) {
      this.key = Bytes.copy(Objects.requireNonNull(key, "key"));
    }

    public Cmp equal(byte[] operand) {
      return new Cmp(Target.VALUE, Result.EQUAL, key, 0, operand);
    }

    public Cmp equal(String operand) {
      return equal(Bytes.utf8(operand));
    }

    public Cmp notEqual(byte[] operand) {
      return new Cmp(Target.VALUE, Result.NOT_EQUAL, key, 0, operand);
    }

    public Cmp notEqual(String operand) {
      return notEqual(Bytes.utf8(operand));
    }

    public Cmp greater(byte[] operand) {
      return new Cmp(Target.VALUE, Result.GREATER, key, 0, operand);
    }

    public Cmp greater(String operand) {
      return greater(Bytes.utf8(operand));
    }

    public Cmp less(byte[] operand) {
      return new Cmp(Target.VALUE, Result.LESS, key, 0, operand);
    }

    public Cmp less(String operand) {
      return less(Bytes.utf8(operand));
    }
  }

  /** Half-built version or revision compare; finish it with a comparison. */
  public static final class NumberOperand {
    private final Target target;
    private final byte[] key;

    private NumberOperand(Target target, byte[] key) {
      this.target = target;
      this.key = Bytes.copy(Objects.requireNonNull(key, "key"));
    }

    public Cmp equal(long operand) {
      return new Cmp(target, Result.EQUAL, key, operand, Bytes.EMPTY);
    }

    public Cmp notEqual(long operand) {
      return new Cmp(target, Result.NOT_EQUAL, key, operand, Bytes.EMPTY);
    }

    public Cmp greater(long operand) {
      return new Cmp(target, Result.GREATER, key, operand, Bytes.EMPTY);
    }

    public Cmp less(long operand) {
      return new Cmp(target, Result.LESS, key, operand, Bytes.EMPTY);
    }
  }
}
