"""Membership rules, pure: who may apply with which identifiers, the status workflow,
法人番号 check digits and near-duplicate organisation names.

Only the standard library, `kit.errors` and the registry's shared `domain` may be imported here.
"""
