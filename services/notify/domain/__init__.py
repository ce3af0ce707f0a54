"""notify's pure rules: what each message says, per event and locale. No I/O."""
