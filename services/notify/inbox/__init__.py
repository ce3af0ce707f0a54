"""The in-app inbox: a person's notifications, unread count, marking read, live updates (SSE)."""
