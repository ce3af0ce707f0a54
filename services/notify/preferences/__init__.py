"""A person's notification settings: categories per channel, quiet hours, one-click unsubscribe."""
