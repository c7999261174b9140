#!/bin/sh
# Regenerates the best-known registry (the best_known table of the SQLite store
# search/results/results.sqlite, exported to search/best-known/: registry.json,
# registry.csv, README.md) and
# its SAT bundles (proofs/best-known/). Run from the repository root:
#   sh search/best-known/run.sh [explicit|superposed|families]
# The registry keeps the best entry over every run (a run that does not beat
# an entry leaves it). Budgets are wall-clock seconds on a shared 2-core machine; a run that ends
# on its budget keeps what it found (minimality UNKNOWN). Every run is
# deterministic given its seed up to the step where the budget stops it.
set -e
SP="python -m superpos_formal"
REG="--registry search/best-known --store search/results/results.sqlite --bundle-root proofs/best-known"
part=${1:-all}

if [ "$part" = all ] || [ "$part" = explicit ]; then
  for m in 6 7 8 9; do
    for act in step relu; do
      $SP improve --task uand --m $m --mode explicit --activation $act --B 2 \
        --seed 0 --budget 30 $REG
    done
  done
  for m in 10 11 12; do
    for act in step relu; do
      $SP improve --task uand --m $m --mode explicit --activation $act --B 2 \
        --seed 0 --budget 45 $REG
    done
  done
  for m in 13 14 15 16; do
    $SP improve --task uand --m $m --mode explicit --activation step --B 2 \
      --seed 0 --budget 45 $REG
  done
fi

if [ "$part" = all ] || [ "$part" = superposed ]; then
  for m in 6 7; do
    for act in step relu; do
      $SP improve --task uand --m $m --mode superposed --activation $act --B 2 \
        --B-code 1 --seed 0 --budget 45 $REG
    done
  done
fi

if [ "$part" = all ] || [ "$part" = families ]; then
  # beyond the exact family search (permutations m=5 undecided, pair sets m=5 k=2)
  $SP improve --family permutations --m 5 --activation relu --B 1 --B-code 1 --seed 0 --budget 90 $REG
  $SP improve --family permutations --m 6 --sample 24 --sample-seed 0 --activation relu --B 1 --B-code 1 --seed 0 --budget 60 $REG
  $SP improve --family pair-sets --m 5 --m-out 3 --activation relu --B 1 --B-code 1 --seed 0 --budget 90 $REG
  $SP improve --family pair-sets --m 6 --m-out 2 --activation relu --B 1 --B-code 1 --seed 0 --budget 60 $REG
  $SP improve --family pair-sets --m 7 --m-out 3 --sample 20 --sample-seed 0 --activation relu --B 1 --B-code 1 --seed 0 --budget 60 $REG
fi
