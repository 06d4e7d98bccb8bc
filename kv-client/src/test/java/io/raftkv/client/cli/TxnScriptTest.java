package io.raftkv.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raftkv.client.Cmp;
import io.raftkv.client.DeleteOption;
import io.raftkv.client.GetOption;
import io.raftkv.client.KeyRange;
import io.raftkv.client.Op;
import io.raftkv.client.TxnSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class TxnScriptTest {
  private static TxnSpec parse(String text) throws IOException {
    return TxnScript.parse(new BufferedReader(new StringReader(text)));
  }

  @Test
  void readsComparesThenSuccessThenFailureSeparatedByBlankLines() throws IOException {
    TxnSpec spec = parse("""
        value("k") = "v"
        ver("k") > "2"
        c("k") != 0
        mod("k") < "9"

        put k "a b"
        get p --prefix

        del x y
        """);
    assertEquals(List.of(
        Cmp.value("k").equal("v"), Cmp.version("k").greater(2), Cmp.createRevision("k").notEqual(0),
        Cmp.modRevision("k").less(9)), spec.compares());
    assertEquals(List.of(Op.put("k", "a b"), Op.get(KeyRange.prefix("p"), GetOption.DEFAULT)), spec.success());
    assertEquals(List.of(Op.delete(KeyRange.between("x", "y"), DeleteOption.DEFAULT)), spec.failure());
  }

  @Test
  void aTxnWithoutComparesStartsWithABlankLine() throws IOException {
    TxnSpec spec = parse("\nput k v\n");
    assertEquals(List.of(), spec.compares());
    assertEquals(List.of(Op.put("k", "v")), spec.success());
  }

  @Test
  void quotedWordsKeepSpacesAndEscapes() {
    assertEquals(List.of("put", "a b", "say \"hi\""), TxnScript.words("put \"a b\" \"say \\\"hi\\\"\""));
  }

  @Test
  void errorsNameTheLine() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse("value(\"k\") = \"v\"\n\nscan k\n"));
    assertEquals("txn line 3: expected put, get or del, got 'scan k'", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> parse("version(\"k\") > \"x\"\n"));
    assertThrows(IllegalArgumentException.class, () -> parse("size(\"k\") > 1\n"));
  }
}
