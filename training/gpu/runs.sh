#!/usr/bin/env bash
# Train runs side by side on one GPU, export each, pack each into $OUT (the device tool's
# folder that comes back: 8 files of at most 16 MiB, so at most four runs a call).
#
#   bash training/gpu/runs.sh PAIRS BASE EPOCHS DEADLINE_S 'A --debias' 'B --exclude \+neg$' …
#
# Each run: train_nli.py --batch 64 --lr 8e-5 --epochs EPOCHS plus its own arguments (a later
# --epochs wins), killed after DEADLINE_S seconds; its log is $OUT/NAME.log and its exported
# folder $OUT/NAME.tar.xz (about 15 MB: xz takes the int8 ONNX from 23 MB).
# Needs the gateway's package and, there, the wheels the machine lacks (pysbd, pydantic and its
# dependencies) installed into /tmp/site first:
#   python3 -m pip install -q --no-index --no-deps --target /tmp/site WHEEL_DIR/*.whl
set -o pipefail
export PYTHONUNBUFFERED=1 PYTHONPATH="/tmp/site:$PWD/src${PYTHONPATH:+:$PYTHONPATH}"
pairs=$1 base=$2 epochs=$3 deadline=$4
shift 4
mkdir -p runs/out
one() {
  local name=$1
  shift
  timeout "$deadline" python3 training/train_nli.py --pairs "$pairs" --base "$base" \
    --out "runs/out/$name" --epochs "$epochs" --batch 64 --lr 8e-5 --save-every 1000000 \
    --threads 3 "$@" >"$OUT/$name.log" 2>&1 || { echo "$name: training failed"; return; }
  python3 training/gpu/export_run.py "runs/out/$name" "$base" "runs/out/$name-model" \
    >>"$OUT/$name.log" 2>&1 || { echo "$name: export failed"; return; }
  tar -C runs/out -cf - "$name-model" | xz -T4 -6 >"$OUT/$name.tar.xz" ||
    { echo "$name: pack failed"; return; }
  echo "$name packed"
}
for spec in "$@"; do
  # shellcheck disable=SC2086  # a spec is a name and its arguments, split on spaces
  one $spec &
done
wait
