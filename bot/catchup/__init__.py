"""/catchup: what a member missed in a channel, a thread or a forum post, from the conversation log."""
