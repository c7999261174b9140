#!/bin/sh
# Recipe-backed family band rows (issue 24): rows.json here is written ONLY by
# these commands (superpos family-rows; certify/family_rows.py checks each row
# before it is written). Check with: superpos verify search/midrange-families
# Run from the repository root: PYTHON=/path/to/python sh search/midrange-families/run.sh
set -e
SP="${PYTHON:-python} -m superpos_formal"

# permutations, B=1 bias=1 code=1 theta=1 (the bounds of the certified minima
# 1, 2, 3, 3 for m'=2..5; m'=6 is the registry's perm6-n4 row): the indicator
# recipe, lower bound by restriction of the certified permutations(5) = 3
$SP family-rows --family permutations --m-out 7..16 --recipe indicator \
  --B 1 --B-bias 1 --B-code 1 --theta 1 \
  --lower-from proofs/families-long/permutations-m5-mout5-s1-superposed-relu-L1-B1-bias1-code1-theta1

# permutations, B=1 bias=1 code=1 theta=2: the shared-code recipe of
# constructions/family.py (disjoint input channels, n = m', its own bias bound 0:
# a bias-0 network is a bias-1 network); restriction of permutations(4) theta 2 = 3
$SP family-rows --family permutations --m-out 7..16 --recipe family --params k_in=1,q=none \
  --B 1 --B-bias 1 --B-code 1 --theta 2 \
  --lower-from proofs/midrange/permutations-m4-mout4-s1-superposed-relu-L1-B1-bias1-code1-theta2

# 2-AND pair sets over m=7 features (m' up to 21; 16 is the issue's range),
# B=1 bias=1 code=1 theta=1: the indicator recipe; restriction from every
# certified pair-set minimum at these bounds (the best one that applies)
LF=""
for d in proofs/families/and-pair-sets-*-theta1 proofs/families-next/and-pair-sets-*-theta1; do
  LF="$LF --lower-from $d"
done
$SP family-rows --family pair-sets --m 7 --m-out 2..16 --recipe indicator \
  --B 1 --B-bias 1 --B-code 1 --theta 1 $LF
