#!/bin/sh
# Regenerates the best-known registry (the best_known table of the SQLite store
# search/results/results.sqlite, exported to search/best-known/: registry.json,
# registry.csv, README.md) and its SAT bundles (proofs/best-known/). Run from
# the repository root:
#   sh search/best-known/run.sh [explicit|superposed|constructions|families|midrange|band]
# Every run first takes the committed export into the store, so the registry
# keeps the best entry over every run ever made (a run that does not beat an
# entry leaves it; every run is logged in the store's best_known_runs table).
# Budgets are wall-clock seconds on a shared 2-core machine; a run that ends on
# its budget keeps what it found (minimality UNKNOWN). Every run is
# deterministic given its seed up to the step where the budget stops it.
set -e
SP="${PYTHON:-python} -m superpos_formal"
REG="--registry search/best-known --store search/results/results.sqlite --bundle-root proofs/best-known"
part=${1:-all}

if [ "$part" = all ] || [ "$part" = explicit ]; then
  # universal AND, explicit, B = 2, from the one-neuron-per-output baseline
  for m in 6 7 8; do
    for act in step relu; do
      $SP improve --task uand --m $m --mode explicit --activation $act --B 2 \
        --seed 0 --budget 40 $REG
    done
  done
  for m in 13 14 15 16; do
    $SP improve --task uand --m $m --mode explicit --activation relu --B 2 \
      --seed 0 --budget 40 $REG
  done
fi

if [ "$part" = all ] || [ "$part" = superposed ]; then
  # universal AND, superposed (free codes, B_code = 1), from issue 11's
  # trivial embedding loosened to B = 2
  for act in step relu; do
    $SP improve --task uand --m 8 --activation $act --from construction:superposed-trivial \
      --B 2 --B-code 1 --seed 0 --budget 60 $REG
  done
fi

if [ "$part" = all ] || [ "$part" = constructions ]; then
  # issue 11's constructions as starts, each under its own bounds (theta > 1)
  for m in 6 8 10 12 16; do
    $SP improve --task uand --m $m --activation relu --from construction:stars \
      --seed 0 --budget 60 $REG
  done
  for c in hmvc routed-stars channels; do
    $SP improve --task uand --m 6 --activation relu --from construction:$c \
      --seed 0 --budget 60 $REG
  done
fi

if [ "$part" = all ] || [ "$part" = families ]; then
  # beyond the exact family search (permutations m=5 undecided, pair sets m=5 k=2);
  # sampled families are labelled as samples in the table. First from the
  # shared-code family construction (its own theta), then from the baseline.
  $SP improve --family permutations --m 5 --from construction:family --B-bias 1 --seed 0 --budget 60 $REG
  $SP improve --family pair-sets --m 5 --m-out 3 --from construction:family --seed 0 --budget 60 $REG
  $SP improve --family permutations --m 7 --sample 12 --sample-seed 0 --from construction:family --B-bias 1 --seed 0 --budget 60 $REG
  $SP improve --family pair-sets --m 8 --m-out 2 --sample 16 --sample-seed 0 --from construction:family --seed 0 --budget 60 $REG
  $SP improve --family permutations --m 5 --activation relu --B 1 --B-code 1 --seed 0 --budget 90 $REG
  $SP improve --family permutations --m 6 --sample 24 --sample-seed 0 --activation relu --B 1 --B-code 1 --seed 0 --budget 60 $REG
  $SP improve --family pair-sets --m 5 --m-out 3 --activation relu --B 1 --B-code 1 --seed 0 --budget 90 $REG
  $SP improve --family pair-sets --m 6 --m-out 2 --activation relu --B 1 --B-code 1 --seed 0 --budget 60 $REG
  # from the certified minimum (issue 25, search/families-next.json): n = 3
  $SP improve --family pair-sets --m 6 --m-out 2 --activation relu --B 1 --B-code 1 \
    --start proofs/families-next/and-pair-sets-m6-mout2-s2-superposed-relu-L1-B1-bias1-code1-theta1/n3-sat \
    --seed 0 --budget 30 $REG
  # issue 24, family band rows with stored networks: permutations(6) at
  # theta 1 from the orbit method's SAT answer (search/family-method/perm6-n4-sat),
  # at theta 2 from the shared-code recipe; pair sets over 5 features, m' = 4..10
  # (<= 252 members). Past these, search/midrange-families/run.sh (recipe rows).
  $SP improve --family permutations --m 6 --mode superposed --activation relu --B 1 --B-bias 1 \
    --B-code 1 --start search/family-method/perm6-n4-sat --seed 0 --budget 60 $REG
  $SP improve --family permutations --m 6 --from construction:family --B-bias 1 --seed 0 --budget 60 $REG
  for k in 4 5 6 7 8 9 10; do
    $SP improve --family pair-sets --m 5 --m-out $k --activation relu --B 1 --B-code 1 \
      --seed 0 --budget 60 $REG
  done
  # pair sets (5, 10) = uand(5), one member: from the width-6 network with a
  # constant neuron (search/midrange-families/starts/, README there)
  $SP improve --family pair-sets --m 5 --m-out 10 --activation relu --B 1 --B-bias 1 --B-code 1 \
    --start search/midrange-families/starts/and_pairs_m5_k10_n6.json --seed 0 --budget 60 $REG
  for k in 9 8 7 6; do
    $SP improve --family pair-sets --m 5 --m-out $k --activation relu --B 1 --B-code 1 \
      --seed 1 --budget 120 $REG
  done
  # from the n = 4 SAT bundle (issue 25, search/results/families-next-notes.md; n = 3 open)
  $SP improve --family pair-sets --m 5 --m-out 3 --activation relu --B 1 --B-code 1 \
    --start proofs/families-next/and-pair-sets-m5-mout3-s2-superposed-relu-L1-B1-bias1-code1-theta1-n4-sat \
    --seed 0 --budget 30 $REG
  $SP improve --family pair-sets --m 5 --m-out 4 --activation relu --B 1 --B-code 1 \
    --start proofs/families-next/and-pair-sets-m5-mout4-s2-superposed-relu-L1-B1-bias1-code1-theta1-n4-sat \
    --seed 0 --budget 30 $REG
fi

if [ "$part" = all ] || [ "$part" = midrange ]; then
  # universal AND, explicit, B = 2, from the mid-range networks (symmetric
  # search and composition, search/results/midrange.md; every one re-verified
  # by search/midrange_report.py and again here before it is offered)
  for f in search/midrange/best/uand_m*-explicit-*-L1-B2-Bb2-t1.json; do
    b=$(basename "$f" .json)
    m=$(echo "$b" | sed -E 's/uand_m([0-9]+)-.*/\1/')
    act=$(echo "$b" | sed -E 's/.*explicit-(step|relu)-.*/\1/')
    $SP improve --task uand --m "$m" --mode explicit --activation "$act" --B 2 \
      --start "$f" --seed 0 --budget 10 $REG
  done
fi

if [ "$part" = all ] || [ "$part" = band ]; then
  # the band (issue 24): restriction lower-bound claims for every registry row
  # whose restriction bound beats counting (from the minima under these proofs
  # folders, each verified first), then every row's lower bound and ratio
  # re-read (no search). Check with: superpos verify search/best-known
  $SP lower-bound --registry search/best-known/registry.json --proofs proofs/uand-explicit \
    --proofs proofs/families --proofs proofs/families-long --proofs proofs/families-next \
    --proofs proofs/midrange \
    --claims proofs/lower-bounds
  PYTHONPATH=. ${PYTHON:-python} search/best-known/refresh_band.py
fi
