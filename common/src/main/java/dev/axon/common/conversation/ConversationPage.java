package dev.axon.common.conversation;

import java.util.List;

/** One page of an owner's conversations (messages not loaded), and whether more follow. */
public record ConversationPage(List<Conversation> data, boolean hasMore) {

  public ConversationPage {
    data = data == null ? List.of() : List.copyOf(data);
  }
}
