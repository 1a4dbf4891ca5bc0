"""The arithmetic of the model: pure numpy functions, no Mesa, no pandas.

One module per rule of the model (``docs/odd.md``, *Submodels*): derived traits, the
threat process, the utility of joining, votes and admission rules, bargaining, spending,
Ukraine's industry, capability stocks, the adversary, and strength. Each function works
on whole arrays of states at once, so the Mesa model calls each rule once per step, and
tests can check every rule on a hand-made world.
"""
