package dev.fanout.cli;

/** What {@code --output} accepts: text for people, json for scripts. */
enum OutputFormat {
  text,
  json
}
