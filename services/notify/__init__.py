"""notify: email, in-app inbox and webhooks, delivered once, in Japanese and English."""
