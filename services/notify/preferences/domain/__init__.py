"""Pure rules of a person's notification settings: times of day and the quiet window (`clock`),
the category × channel switches (`matrix`), what is always sent (`always_sent`) and how a
requested change is checked (`changes`). No I/O."""
