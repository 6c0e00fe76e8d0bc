#!/usr/bin/env bash
# Builds wschaos's Docker images locally, from nothing but this machine's JDK and the project's jars:
# no base image is pulled (FROM scratch), so it works where no registry is reachable.
#
#   docker/build-images.sh [--version V] [--work DIR] [--wschaos JAR] [--peer CLASSES_DIR LIB_DIR]
#
#   --wschaos JAR   builds wschaos/wschaos:V (and :latest) running the standalone jar (harness/target/wschaos.jar)
#   --peer C L      builds wschaos/test-peer:V, the test peers: compiled classes C plus the jars in L on the classpath
#   --version V     the tag besides latest (default: the project's version in pom.xml, as WsChaosContainer expects)
#   --work DIR      where the runtime and the build contexts are laid out (default: docker/target)
#
# With neither --wschaos nor --peer it builds the wschaos image from harness/target/wschaos.jar
# (./mvnw -B -q -DskipTests package -pl harness -am builds it).
#
# The runtime is jlinked from the JDK that runs this script (JAVA_HOME, else the java on PATH), and every shared
# library that `ldd` lists for it is copied under the same path, the dynamic loader included.
#
# When no Docker engine is reachable it says so and exits 0, so a build without Docker goes on (the tests that need
# the images are then skipped); with CI=true it fails instead, because CI must run those tests.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

version=""
work="$here/target"
wschaos_jar=""
peer_classes=""
peer_lib=""
while [ $# -gt 0 ]; do
  case "$1" in
    --version) version="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --wschaos) wschaos_jar="$2"; shift 2 ;;
    --peer) peer_classes="$2"; peer_lib="$3"; shift 3 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "build-images.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
if [ -z "$version" ]; then
  # The project's own version: the first <version> of the parent pom (WsChaosContainer looks for wschaos/wschaos:<it>).
  version="$(grep -m1 -o '<version>[^<]*</version>' "$here/../pom.xml" | sed 's/<[^>]*>//g')"
fi
if [ -z "$wschaos_jar" ] && [ -z "$peer_classes" ]; then
  wschaos_jar="$here/../harness/target/wschaos.jar"
fi

if ! docker info >/dev/null 2>&1; then
  if [ "${CI:-}" = "true" ]; then
    echo "build-images.sh: no Docker engine reachable (docker info failed) and CI=true: start dockerd first (.ci/run does)" >&2
    exit 1
  fi
  echo "build-images.sh: no Docker engine reachable; skipping the images (the Docker tests will be skipped)" >&2
  exit 0
fi

java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
jlink="$java_home/bin/jlink"
[ -x "$jlink" ] || { echo "build-images.sh: no jlink in $java_home: a full JDK is needed (set JAVA_HOME)" >&2; exit 1; }

# 1. The runtime: jlinked once per JDK and module list.
modules="java.base,java.logging,java.management,java.naming,java.net.http,java.xml,jdk.crypto.ec,jdk.unsupported,jdk.zipfs"
jlink_options="--strip-debug --no-header-files --no-man-pages --compress=1 --generate-cds-archive"
stamp="$("$java_home/bin/java" -version 2>&1 | tr '\n' ' ') $modules $jlink_options"
runtime="$work/runtime"
if [ ! -f "$runtime/.stamp" ] || [ "$(cat "$runtime/.stamp")" != "$stamp" ]; then
  rm -rf "$runtime"
  mkdir -p "$work"
  # --generate-cds-archive: the JDK's class data sharing archive (lib/server/classes.jsa), which the JVM maps at start
  # instead of loading its own classes one by one; it shortens every container start.
  # shellcheck disable=SC2086
  "$jlink" --add-modules "$modules" $jlink_options --output "$runtime/opt/java"
  # Shared libraries, under the same paths as here.
  { ldd "$runtime/opt/java/bin/java"; find "$runtime/opt/java/lib" -name '*.so' -exec ldd {} \; ; } 2>/dev/null \
    | grep -oE '/[^ ]+\.so[^ ]*' | sort -u | while read -r lib; do
        [ -e "$lib" ] || continue
        mkdir -p "$runtime$(dirname "$lib")"
        cp -L "$lib" "$runtime$lib"
      done
  # glibc loads libgcc_s at run time for thread cancellation; it is not in ldd's list.
  for lib in /lib/x86_64-linux-gnu/libgcc_s.so.1 /usr/lib/x86_64-linux-gnu/libgcc_s.so.1; do
    if [ -e "$lib" ]; then mkdir -p "$runtime$(dirname "$lib")"; cp -L "$lib" "$runtime$lib"; break; fi
  done
  mkdir -p "$runtime/tmp" && chmod 1777 "$runtime/tmp"
  echo "$stamp" > "$runtime/.stamp"
fi

tags() { # NAME -> -t NAME:latest [-t NAME:version]
  printf -- '-t %s:latest' "$1"
  [ -z "$version" ] || printf -- ' -t %s:%s' "$1" "$version"
}

build() { # NAME DOCKERFILE CONTEXT
  # shellcheck disable=SC2046
  local log
  if ! log="$(DOCKER_BUILDKIT=0 docker build -q $(tags "$1") -f "$2" "$3" 2>&1)"; then
    echo "$log" >&2
    echo "build-images.sh: building $1 failed" >&2
    exit 1
  fi
  echo "build-images.sh: built $1 ($(docker image inspect -f '{{.Size}}' "$1:latest" | awk '{printf "%.0f MB", $1/1e6}'))"
}

context() { # DIR -> a fresh context with the runtime hard-linked in
  rm -rf "$1" && mkdir -p "$1/rootfs"
  cp -al "$runtime/." "$1/rootfs/" 2>/dev/null || cp -a "$runtime/." "$1/rootfs/"
  rm -f "$1/rootfs/.stamp"
  mkdir -p "$1/rootfs/opt/app"
}

netty_native_libs() { # ROOTFS JAR... -> copies in the shared libraries that the jars' Netty native transports load
  # Netty's epoll and io_uring parts need librt and libdl, which the JDK's own libraries do not; without them Netty
  # falls back to the JDK's NIO in the container.
  local rootfs="$1" tmp arch lib
  shift
  arch="$(uname -m)"
  [ "$arch" = aarch64 ] && arch=aarch_64
  tmp="$(mktemp -d)"
  for jar in "$@"; do
    unzip -o -q "$jar" "META-INF/native/*_$arch.so" -d "$tmp" 2>/dev/null || true
  done
  # Jars without native parts (the test peer's, now that the harness's native transports are optional) find none.
  find "$tmp" -name '*.so' -exec ldd {} \; 2>/dev/null | { grep -oE '/[^ ]+\.so[^ ]*' || true; } | sort -u | while read -r lib; do
    [ -e "$lib" ] && [ ! -e "$rootfs$lib" ] || continue
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
  done
  rm -rf "$tmp"
}

# 2. wschaos/wschaos: the standalone proxy.
if [ -n "$wschaos_jar" ]; then
  [ -f "$wschaos_jar" ] || { echo "build-images.sh: $wschaos_jar is missing: ./mvnw -B -q -DskipTests package -pl harness -am builds it" >&2; exit 1; }
  ctx="$work/wschaos"
  context "$ctx"
  cp "$wschaos_jar" "$ctx/rootfs/opt/app/app.jar"
  netty_native_libs "$ctx/rootfs" "$wschaos_jar"
  build wschaos/wschaos "$here/Dockerfile" "$ctx"
fi

# 3. wschaos/test-peer: the echo server and the reconnecting client the container tests run.
if [ -n "$peer_classes" ]; then
  [ -d "$peer_classes" ] && [ -d "$peer_lib" ] || { echo "build-images.sh: $peer_classes or $peer_lib is missing" >&2; exit 1; }
  ctx="$work/test-peer"
  context "$ctx"
  cp -a "$peer_classes" "$ctx/rootfs/opt/app/classes"
  cp -a "$peer_lib" "$ctx/rootfs/opt/app/lib"
  netty_native_libs "$ctx/rootfs" "$peer_lib"/*.jar
  build wschaos/test-peer "$here/Dockerfile.peer" "$ctx"
fi
