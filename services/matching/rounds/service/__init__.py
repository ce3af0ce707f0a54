"""Rounds' use cases, one module per concern: opening and reading a round (`opening`), people's
and hosts' rankings (`rankings`), and the run (`running`); `views` shapes what they answer."""
