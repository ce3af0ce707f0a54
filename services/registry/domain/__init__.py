"""The registry's shared vocabulary, pure: kinds of member, local governments and their codes, text folding.

Every slice (membership, access, small_bases, directory) speaks these words; rules that belong
to one slice live in that slice's own `domain/`. Only the standard library and `kit.errors`
(and `kit.jst`) may be imported here, so every rule is unit-tested without a database or network.
"""
