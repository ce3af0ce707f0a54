"""Message types and their Jinja2 templates: what notify can say, in Japanese and English."""
