"""kakawari's services. Each is a vertical slice; none imports another."""
