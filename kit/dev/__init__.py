"""Development helpers: servers started from wheels, for `make up` and the tests."""
