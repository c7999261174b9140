# %% [markdown]
# # A worked example: small networks, exact answers
#
# A notebook-style script (cells marked `# %%`; open it with Jupyter's
# jupytext or run it with `python docs/example_notebook.py`). It runs in CI
# (`tests/test_docs.py`), in a few seconds.

# %%
import os
import tempfile

import superpos_formal as sf

# %% [markdown]
# ## 1. One neuron or more? Threshold functions and parity
#
# Majority of 3 bits is a threshold function: one step neuron computes it.
# Parity is not: one neuron is UNSAT, and every UNSAT comes with a DRAT proof
# that was checked before the answer was printed.

# %%
maj = sf.min_neurons(sf.majority(3), activation="step")
xor = sf.min_neurons(sf.parity(2), activation="step")
par = sf.min_neurons(sf.parity(3), activation="step")
print(maj)
print(xor)
print(par.table)
assert maj.minimum == 1 and xor.minimum == 2 and par.minimum > 1
assert sf.check(par.network, sf.parity(3)).ok  # exhaustive, exact re-check

# %% [markdown]
# ## 2. Every bound is part of the question
#
# The universal AND of 3 sparse features (`s = 2`) with step neurons and
# weights in `[-2, 2]`: the answer depends on the bias bound too, which is
# why every answer prints it.

# %%
for bias in (1, 2):
    res = sf.min_neurons(sf.uand(3), activation="step", B=2, B_bias=bias)
    print(f"biases in [-{bias}, {bias}]: minimum n = {res.minimum}   {res!r}")

# %% [markdown]
# ## 3. Superposition: one code for a whole family
#
# All 6 permutations of 3 features, computed through a shared code of
# dimension `n` chosen by the solver (weights, biases, codes in `[-1, 1]`).

# %%
fam = sf.min_neurons(sf.permutations(3), mode="superposed", codes="free", B=1)
E, R = fam.codes
print(fam)
print("shared input code E =", E)
for net, task in zip(fam.networks, sf.permutations(3).members()):
    assert sf.check(net, task).ok
ax = fam.networks[0].draw()  # matplotlib axes; in Jupyter pass ax= from your figure
print(ax.get_title())

# %% [markdown]
# ## 4. Evidence anyone can re-check
#
# `certify` writes the claim bundle (SAT network at the minimum, formula and
# DRAT proof below it); `verify` re-checks it from the files alone.

# %%
out = os.path.join(tempfile.mkdtemp(), "xor")
report = sf.certify(xor, out)
print(sorted(os.listdir(out)), "verified:", sf.verify(out).ok)
assert report.ok
