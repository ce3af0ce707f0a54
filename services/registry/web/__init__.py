"""What the slices' HTTP layers share: the typed dependencies as FastAPI parameters, and the page context."""
