#!/usr/bin/env bash
# tools/gpu_check.py on the GPU machine; see that file's docstring.
#
#   bash tools/gpu_check.sh wheels        # here, once: keras + namex + optree
#                                         # wheels for CPython 3.12 into .whl/
#   bash tools/gpu_check.sh run [ARGS]    # there (device tool, carry [".whl"]):
#                                         # install the wheels if keras is
#                                         # missing, then gpu_check.py ARGS
#
# GPU_CHECK_TIMEOUT (seconds, default 480) bounds the whole check,
# GPU_CHECK_BACKEND_TIMEOUT (default 210) each backend's subprocess; the log and
# the JSON results go to $OUT (or /tmp) as gpu_check.log and gpu_check.json.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-run}"
shift || true

case "$mode" in
wheels)
  python="${PYTHON:-python3}"
  version="$("$python" -c 'import keras; print(keras.__version__)')"
  mkdir -p .whl
  grep -qxF '/.whl/' .git/info/exclude 2>/dev/null || echo '/.whl/' >>.git/info/exclude
  "$python" -m pip download --no-deps --only-binary=:all: --python-version 3.12 \
    --implementation cp --platform manylinux_2_28_x86_64 \
    --platform manylinux_2_27_x86_64 --platform manylinux_2_17_x86_64 \
    --platform manylinux2014_x86_64 -d .whl \
    "keras==$version" namex optree
  ls -l .whl
  ;;
run)
  python="${PYTHON:-python3}"
  if ! "$python" -c 'import keras' 2>/dev/null; then
    "$python" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir \
      --upgrade --target /tmp/site .whl/*.whl
    export PYTHONPATH="/tmp/site${PYTHONPATH:+:$PYTHONPATH}"
  fi
  export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1
  out="${OUT:-/tmp}"
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv 2>&1 | tee "$out/gpu_check.log" || true
  timeout "${GPU_CHECK_TIMEOUT:-480}" "$python" tools/gpu_check.py \
    --timeout "${GPU_CHECK_BACKEND_TIMEOUT:-210}" --json "$out/gpu_check.json" \
    "$@" 2>&1 | tee -a "$out/gpu_check.log"
  ;;
*)
  echo "usage: bash tools/gpu_check.sh wheels | run [gpu_check.py args]" >&2
  exit 64
  ;;
esac
