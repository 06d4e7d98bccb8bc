package io.raftkv.client.cli;

import io.raftkv.client.RaftKvException;
import java.util.concurrent.CompletionException;

/** Turns any failure into one line for stderr; kvctl never prints a stack trace. Stateless. */
final class ErrorMessages {
  private ErrorMessages() {}

  static String oneLine(Throwable error) {
    Throwable cause = error;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    String message = cause.getMessage();
    String text;
    if (cause instanceof RaftKvException || cause instanceof IllegalArgumentException) {
      text = message == null ? cause.getClass().getSimpleName() : message;
    } else {
      // Something unexpected (a bug): name it so a report is useful, still on one line.
      text = cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
    return text.replaceAll("\\s*\\R\\s*", " ").strip();
  }
}
