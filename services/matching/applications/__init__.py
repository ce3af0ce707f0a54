"""Applications, first come with a waitlist: a helper applies to a published program and gets a
place or a waitlist ticket, by the kit's one capacity rule on the program's counters."""
