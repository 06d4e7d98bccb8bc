package io.raftkv.client;

import java.util.List;
import java.util.Objects;

/**
 * @param member the member as added, with the id the server gave it
 * @param members the membership after the change
 */
public record MemberAddResult(Member member, List<Member> members) {
  public MemberAddResult {
    Objects.requireNonNull(member, "member");
    members = List.copyOf(members);
  }
}
