package dev.fanout.delivery;

import java.net.URI;
import java.util.List;

/** An HTTP POST ready to send: the headers are final, signatures included. */
public record WebhookRequest(URI url, List<Header> headers, byte[] body) {
  public record Header(String name, String value) {}
}
