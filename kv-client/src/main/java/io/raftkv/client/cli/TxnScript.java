package io.raftkv.client.cli;

import io.raftkv.client.Cmp;
import io.raftkv.client.DeleteOption;
import io.raftkv.client.GetOption;
import io.raftkv.client.KeyRange;
import io.raftkv.client.Op;
import io.raftkv.client.PutOption;
import io.raftkv.client.TxnSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a transaction in etcdctl's interactive format: compares, a blank line, the operations
 * run on success, a blank line, the operations run on failure (to a blank line or the end):
 *
 * <pre>
 * value("k") = "v"
 * version("k") &gt; "0"
 *
 * put k v2
 * get k
 *
 * del k
 * </pre>
 *
 * Compare targets: value (val), version (ver), create (c), mod (m); operators = != &gt; &lt;.
 * Operations: {@code put KEY VALUE [--prev-kv]}, {@code get KEY [RANGE_END] [--prefix|--from-key]},
 * {@code del KEY [RANGE_END] [--prefix|--from-key] [--prev-kv]}. Words may be double-quoted with
 * backslash escapes. Stateless.
 */
final class TxnScript {
  /** Bounds the input: the server refuses big transactions anyway (TOO_MANY_OPS). */
  static final int LINES_MAX = 10_000;

  private static final Pattern COMPARE =
      Pattern.compile("^(\\w+)\\(\"((?:[^\"\\\\]|\\\\.)*)\"\\)\\s*(==|=|!=|>|<)\\s*(.+)$");

  private TxnScript() {}

  /** @throws IllegalArgumentException naming the line and what is wrong with it */
  static TxnSpec parse(BufferedReader reader) throws IOException {
    List<Cmp> compares = new ArrayList<>();
    List<Op> success = new ArrayList<>();
    List<Op> failure = new ArrayList<>();
    int section = 0;
    int lineNumber = 0;
    String line;
    while (section < 3 && (line = reader.readLine()) != null) {
      lineNumber++;
      if (lineNumber > LINES_MAX) {
        throw new IllegalArgumentException("txn input is longer than " + LINES_MAX + " lines");
      }
      String trimmed = line.strip();
      if (trimmed.isEmpty()) {
        section++;
        continue;
      }
      try {
        switch (section) {
          case 0 -> compares.add(compare(trimmed));
          case 1 -> success.add(op(trimmed));
          default -> failure.add(op(trimmed));
        }
      } catch (IllegalArgumentException bad) {
        throw new IllegalArgumentException("txn line " + lineNumber + ": " + bad.getMessage());
      }
    }
    return new TxnSpec(compares, success, failure);
  }

  static Cmp compare(String text) {
    Matcher matcher = COMPARE.matcher(text);
    if (!matcher.matches()) {
      throw new IllegalArgumentException("expected a compare like value(\"k\") = \"v\", got '" + text + "'");
    }
    String key = unescape(matcher.group(2));
    String operator = matcher.group(3);
    List<String> operandWords = words(matcher.group(4));
    if (operandWords.size() != 1) {
      throw new IllegalArgumentException("expected one operand in '" + text + "'");
    }
    String operand = operandWords.get(0);
    return switch (matcher.group(1)) {
      case "value", "val" -> {
        Cmp.ValueOperand target = Cmp.value(key);
        yield switch (operator) {
          case "=", "==" -> target.equal(operand);
          case "!=" -> target.notEqual(operand);
          case ">" -> target.greater(operand);
          default -> target.less(operand);
        };
      }
      case "version", "ver" -> numeric(Cmp.version(key), operator, operand);
      case "create", "c" -> numeric(Cmp.createRevision(key), operator, operand);
      case "mod", "m" -> numeric(Cmp.modRevision(key), operator, operand);
      default -> throw new IllegalArgumentException(
          "unknown compare target '" + matcher.group(1) + "' (value, version, create, mod)");
    };
  }

  private static Cmp numeric(Cmp.NumberOperand target, String operator, String operand) {
    long number;
    try {
      number = Long.parseLong(operand);
    } catch (NumberFormatException notNumber) {
      throw new IllegalArgumentException("expected a number, got '" + operand + "'");
    }
    return switch (operator) {
      case "=", "==" -> target.equal(number);
      case "!=" -> target.notEqual(number);
      case ">" -> target.greater(number);
      default -> target.less(number);
    };
  }

  static Op op(String text) {
    List<String> words = words(text);
    List<String> flags = words.stream().filter(word -> word.startsWith("--")).toList();
    List<String> arguments = words.stream().filter(word -> !word.startsWith("--")).toList();
    String verb = arguments.isEmpty() ? "" : arguments.get(0);
    return switch (verb) {
      case "put" -> {
        expectArguments(arguments, 3, 3, "put KEY VALUE");
        expectFlags(flags, List.of("--prev-kv"));
        yield Op.put(utf8(arguments.get(1)), utf8(arguments.get(2)),
            flags.contains("--prev-kv") ? PutOption.PREV_KV : PutOption.DEFAULT);
      }
      case "get" -> {
        expectArguments(arguments, 2, 3, "get KEY [RANGE_END]");
        expectFlags(flags, List.of("--prefix", "--from-key"));
        yield Op.get(range(arguments, flags), GetOption.DEFAULT);
      }
      case "del", "delete" -> {
        expectArguments(arguments, 2, 3, "del KEY [RANGE_END]");
        expectFlags(flags, List.of("--prefix", "--from-key", "--prev-kv"));
        yield Op.delete(range(arguments, flags), flags.contains("--prev-kv") ? DeleteOption.PREV_KV : DeleteOption.DEFAULT);
      }
      default -> throw new IllegalArgumentException("expected put, get or del, got '" + text + "'");
    };
  }

  private static KeyRange range(List<String> arguments, List<String> flags) {
    String key = arguments.get(1);
    if (arguments.size() == 3) {
      if (!flags.isEmpty() && !flags.equals(List.of("--prev-kv"))) {
        throw new IllegalArgumentException("RANGE_END excludes --prefix and --from-key");
      }
      return KeyRange.between(key, arguments.get(2));
    }
    if (flags.contains("--prefix") && flags.contains("--from-key")) {
      throw new IllegalArgumentException("--prefix and --from-key exclude each other");
    }
    if (flags.contains("--prefix")) {
      return KeyRange.prefix(key);
    }
    return flags.contains("--from-key") ? KeyRange.fromKey(key) : KeyRange.key(key);
  }

  private static void expectArguments(List<String> arguments, int min, int max, String usage) {
    if (arguments.size() < min || arguments.size() > max) {
      throw new IllegalArgumentException("usage: " + usage);
    }
  }

  private static void expectFlags(List<String> flags, List<String> allowed) {
    for (String flag : flags) {
      if (!allowed.contains(flag)) {
        throw new IllegalArgumentException("unknown flag " + flag);
      }
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Splits on spaces; "double quotes" group words and allow \" and \\ inside. */
  static List<String> words(String text) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean quoted = false;
    boolean inWord = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '\\' && i + 1 < text.length()) {
          word.append(text.charAt(++i));
        } else if (c == '"') {
          quoted = false;
        } else {
          word.append(c);
        }
      } else if (c == '"') {
        quoted = true;
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("unterminated quote in '" + text + "'");
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }

  private static String unescape(String text) {
    return text.replaceAll("\\\\(.)", "$1");
  }
}
