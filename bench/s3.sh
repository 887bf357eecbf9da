#!/usr/bin/env bash
# S3 benchmark, stratus vs s3rver (see bench/README.md). Run by `bench/run s3`
# and, after the other benchmarks, by `bench/run` / `make bench`.
#
#   1. 4 KiB objects: wrk replays presigned PUT URLs (distinct keys, a 4 KiB
#      body) and presigned GET URLs (objects uploaded beforehand), at 32 and 64
#      connections, against both servers, alternating; ops/s, p50, p99, server
#      CPU per operation. A run with more than 1% errors (socket errors or
#      non-2xx) fails its scenario.
#   2. One large object (1 GiB from /dev/urandom): curl PUT and GET on presigned
#      URLs, in MB/s, next to the disk's sequential write speed measured with dd
#      in the same directory as both servers' data.
#   3. Peak RSS (VmHWM) of each server process after all of the above.
#
# Writes bench/results/s3.md (raw wrk output and logs in bench/results/s3-raw/)
# and prints the same report. Listens on and talks to 127.0.0.1 only; every
# wait is bounded; every process started here is stopped on exit.
# Exit status: 0 when every scenario ran cleanly (goals missed or not);
# 1 when a scenario failed (too many errors, a wrong status or wrong bytes);
# 2 when the benchmark cannot run (a tool is missing, a server does not start).
#
# Environment (BENCH_SECONDS, BENCH_WARMUP, STRATUS, BENCH_KEEP as in bench/run):
#   BENCH_SECONDS       length of each measured wrk run (default 10)
#   BENCH_WARMUP        length of the GET warm-up per server (default 3)
#   BENCH_S3_ROUNDS     rounds of the 4 KiB scenarios (default 1)
#   BENCH_S3_URLS       presigned URLs per list, i.e. distinct keys (default 2000)
#   BENCH_S3_LARGE_MIB  size of the large object in MiB (default 1024)
#   BENCH_PYTHON        python with boto3 (default /usr/bin/python3, Debian's)
#   STRATUS             the binary to measure (default build/stratus)
#   BENCH_KEEP=1        keep the scratch directory (configs, data, logs)
#   TMPDIR              parent of the scratch directory (default /tmp); the
#                       servers' data, the large file and dd's file all go there

set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
BENCH_SECONDS=${BENCH_SECONDS:-10}
BENCH_WARMUP=${BENCH_WARMUP:-3}
BENCH_S3_ROUNDS=${BENCH_S3_ROUNDS:-1}
BENCH_S3_URLS=${BENCH_S3_URLS:-2000}
BENCH_S3_LARGE_MIB=${BENCH_S3_LARGE_MIB:-1024}
PYTHON=${BENCH_PYTHON:-/usr/bin/python3}
STRATUS_SRC=${STRATUS:-$ROOT/build/stratus}
RESULTS=$ROOT/bench/results
HOST=127.0.0.1
WRK_THREADS=2
CONNS=(32 64)
LUA=$BENCH/s3_replay.lua
STRATUS_AK=AKIASTRATUSBENCH0001
STRATUS_SK=stratus-bench-secret-0123456789abcdef  # fixed: the config sets it
S3RVER_AK=S3RVER                                   # s3rver's built-in account
S3RVER_SK=S3RVER

# Never send loopback traffic through a proxy from the environment.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export no_proxy='*' NO_PROXY='*'

log() { printf 'bench s3: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 2; }

for n in BENCH_SECONDS BENCH_WARMUP BENCH_S3_ROUNDS BENCH_S3_URLS BENCH_S3_LARGE_MIB; do
  [[ ${!n} =~ ^[1-9][0-9]*$ ]] || die "$n must be a positive integer, got '${!n}'"
done
for tool in wrk curl node npm awk timeout dd sync head cmp; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool not found (node and npm: see bench/README.md)"
done
[[ -x $PYTHON ]] || die "$PYTHON not found (scripts/setup installs python3)"
"$PYTHON" -c 'import boto3' 2>/dev/null || die "$PYTHON has no boto3 (scripts/setup installs python3-boto3)"
[[ -x $STRATUS_SRC ]] || die "$STRATUS_SRC not found; build it first (make build)"

# s3rver, pinned by bench/package.json and package-lock.json, installed into
# bench/node_modules when missing or not the locked version.
S3RVER_JS=$BENCH/node_modules/s3rver/bin/s3rver.js
s3rver_version() { node -p "require('$BENCH/node_modules/s3rver/package.json').version" 2>/dev/null; }
LOCKED=$(node -p "require('$BENCH/package-lock.json').packages['node_modules/s3rver'].version" 2>/dev/null) ||
  die "cannot read the s3rver version from bench/package-lock.json"
if [[ ! -f $S3RVER_JS || $(s3rver_version) != "$LOCKED" ]]; then
  log "installing s3rver $LOCKED into bench/node_modules (npm ci)"
  (cd "$BENCH" && timeout 600 npm ci --no-audit --no-fund --loglevel=error) >&2 ||
    die "npm ci in bench/ failed"
fi
[[ -f $S3RVER_JS && $(s3rver_version) == "$LOCKED" ]] || die "s3rver $LOCKED is not in bench/node_modules"
S3RVER_VERSION=$LOCKED

WORK=$(mktemp -d "${TMPDIR:-/tmp}/stratus-bench-s3.XXXXXX") || die "mktemp failed"
PIDS=()  # every long-lived process started here

stop_pid() {  # stop_pid PID: SIGTERM, up to 10 s, then SIGKILL
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 0
}

cleanup() {
  local pid
  trap - EXIT INT TERM HUP
  for pid in "${PIDS[@]}"; do
    stop_pid "$pid"
  done
  if [[ ${BENCH_KEEP:-0} == 1 ]]; then
    log "scratch directory kept: $WORK"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Measure a private copy: a concurrent rebuild must not swap the binary mid-run.
cp "$STRATUS_SRC" "$WORK/stratus" || die "cannot copy $STRATUS_SRC"
STRATUS_BIN=$WORK/stratus

# The large object, dd's file and both data dirs share this file system; it
# needs room for four copies of the large object (source, dd, two servers).
AVAIL_KIB=$(df -Pk "$WORK" | awk 'NR == 2 { print $4 }')
((AVAIL_KIB > BENCH_S3_LARGE_MIB * 1024 * 4 + 1048576)) ||
  die "not enough space in $WORK for a ${BENCH_S3_LARGE_MIB} MiB object (needs 4 copies + 1 GiB)"
FS_INFO=$(df -PT "$WORK" | awk 'NR == 2 { print $1 " (" $2 ")" }')

free_ports() {  # free_ports N: N distinct free TCP ports on 127.0.0.1
  python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
EOF
}

# wait_http URL SECONDS PID: until URL answers 200, the process dies, or time is up.
wait_http() {
  local url=$1 deadline=$((SECONDS + $2)) pid=$3
  while ((SECONDS < deadline)); do
    kill -0 "$pid" 2>/dev/null || return 1
    [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url") == 200 ]] && return 0
    sleep 0.05
  done
  return 1
}

cpu_ticks() {  # cpu_ticks PID: user+system clock ticks of the process (all threads)
  local stat rest
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  rest=${stat##*) }
  read -r -a f <<<"$rest"
  echo $((f[11] + f[12]))
}

status_kib() {  # status_kib PID FIELD: a kB field of /proc/PID/status
  awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null
}

mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

median() {  # median NUMBER...
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "nan"; exit }
    if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "nan" }'; }

# parse_wrk FILE: "rps p50_ms p99_ms requests socket_errors non2xx"
parse_wrk() {
  awk '
    function ms(s,   v) {
      v = s + 0
      if (s ~ /us$/) return v / 1000
      if (s ~ /ms$/) return v
      if (s ~ /m$/)  return v * 60000
      if (s ~ /s$/)  return v * 1000
      return v
    }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    / requests in / { req = $1 }
    /^Requests\/sec:/ { rps = $2 }
    /Socket errors:/ { gsub(",", ""); err = $4 + $6 + $8 + $10 }
    /Non-2xx or 3xx responses:/ { non2xx = $5 }
    END { printf "%s %.2f %.2f %d %d %d\n", rps, p50, p99, req, err + 0, non2xx + 0 }
  ' "$1"
}

mkdir -p "$RESULTS" || die "cannot create $RESULTS"
RAW=$WORK/raw
mkdir -p "$RAW"

NPROC=$(nproc)
CPU_MODEL=$(lscpu 2>/dev/null | awk -F: '/^Model name/ { sub(/^[ \t]+/, "", $2); print $2; exit }')
KERNEL=$(uname -r)
DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
VERSION=$("$STRATUS_BIN" version 2>/dev/null | awk '{ print $2 }')
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git -C "$ROOT" status --porcelain --untracked-files=no -- src 2>/dev/null) ]]; then
  COMMIT="$COMMIT+local changes"
fi
BUILD_TYPE=$(awk -F= '/^CMAKE_BUILD_TYPE:/ { print $2 }' "$(dirname "$STRATUS_SRC")/CMakeCache.txt" 2>/dev/null)
WRK_VERSION=$(wrk -v 2>&1 | awk 'NR == 1 { print $2 }')
NODE_VERSION=$(node -v)
CURL_VERSION=$(curl -V | awk 'NR == 1 { print $2 }')
BOTO3_VERSION=$("$PYTHON" -c 'import boto3; print(boto3.__version__)')
log "machine: $NPROC cores, ${CPU_MODEL:-unknown CPU}, kernel $KERNEL; data on $FS_INFO"
log "stratus $VERSION ($COMMIT, ${BUILD_TYPE:-unknown build type}); s3rver $S3RVER_VERSION on node $NODE_VERSION; wrk $WRK_VERSION"

###############################################################################
# Servers
###############################################################################

read -r S_PORT S_APP_PORT R_PORT <<<"$(free_ports 3)" || die "no free ports"
[[ -n ${R_PORT:-} ]] || die "no free ports"

S_DIR=$WORK/stratus-run
mkdir -p "$S_DIR"
cat >"$S_DIR/stratus.toml" <<EOF
[server]
threads = 2
log_level = "info"
access_log = "access.log"

[admin]
access_key_id = "$STRATUS_AK"
secret_access_key = "$STRATUS_SK"

[[regions]]
name = "us-east-1"
endpoint = "$HOST:$S_PORT"
app_endpoint = "$HOST:$S_APP_PORT"
EOF
"$STRATUS_BIN" serve --config "$S_DIR/stratus.toml" --data "$S_DIR/data" \
  >"$S_DIR/stdout.log" 2>"$S_DIR/stderr.log" </dev/null &
S_PID=$!
PIDS+=("$S_PID")
S_ENDPOINT="http://$HOST:$S_PORT"
S_ACCESS_LOG=$S_DIR/data/us-east-1/access.log
wait_http "$S_ENDPOINT/_stratus/health" 30 "$S_PID" ||
  { tail -5 "$S_DIR/stderr.log" >&2; die "stratus did not become healthy"; }

R_DIR=$WORK/s3rver-run
mkdir -p "$R_DIR/data"
# --silent: no per-request log line (s3rver logs to the console, synchronously
# when redirected to a file); this is s3rver's fastest configuration.
node "$S3RVER_JS" -d "$R_DIR/data" -a "$HOST" -p "$R_PORT" --silent \
  >"$R_DIR/stdout.log" 2>"$R_DIR/stderr.log" </dev/null &
R_PID=$!
PIDS+=("$R_PID")
R_ENDPOINT="http://$HOST:$R_PORT"
wait_http "$R_ENDPOINT/" 30 "$R_PID" ||
  { tail -5 "$R_DIR/stderr.log" >&2; die "s3rver did not start"; }

SERVERS=(s3rver stratus)
declare -A PID=([stratus]=$S_PID [s3rver]=$R_PID)
declare -A ENDPOINT=([stratus]=$S_ENDPOINT [s3rver]=$R_ENDPOINT)
declare -A AK=([stratus]=$STRATUS_AK [s3rver]=$S3RVER_AK)
declare -A SK=([stratus]=$STRATUS_SK [s3rver]=$S3RVER_SK)

# The 4 KiB body every PUT sends, and the large object.
BODY=$WORK/body.4k
head -c 4096 /dev/urandom >"$BODY" || die "cannot write $BODY"
LARGE=$WORK/large.bin
LARGE_BYTES=$((BENCH_S3_LARGE_MIB * 1048576))

# Bucket, uploaded objects and URL lists for both servers, and the large file,
# all at once (none of this is measured).
log "preparing: bucket, $BENCH_S3_URLS objects and presigned URLs per server; ${BENCH_S3_LARGE_MIB} MiB file from /dev/urandom"
declare -A PREP_PID
for s in "${SERVERS[@]}"; do
  timeout 300 "$PYTHON" "$BENCH/s3_prepare.py" --endpoint "${ENDPOINT[$s]}" \
    --access-key "${AK[$s]}" --secret-key "${SK[$s]}" --body "$BODY" \
    --count "$BENCH_S3_URLS" --out "$WORK/urls-$s" 2>"$WORK/prepare-$s.err" &
  PREP_PID[$s]=$!
done
timeout 300 head -c "$LARGE_BYTES" /dev/urandom >"$LARGE" &
LARGE_PID=$!
for s in "${SERVERS[@]}"; do
  wait "${PREP_PID[$s]}" || die "preparing $s failed: $(cat "$WORK/prepare-$s.err")"
done
wait "$LARGE_PID" || die "cannot write $LARGE"
[[ $(stat -c %s "$LARGE") == "$LARGE_BYTES" ]] || die "$LARGE is short"

###############################################################################
# 1. 4 KiB PUT and GET
###############################################################################

FAILED=0
PROBLEMS=""  # markdown lines describing failures

# probe SERVER METHOD URLS OUT: one request with curl (the list's first URL),
# status line, headers and the start of the body into OUT.
probe() {
  local s=$1 method=$2 url
  url=$(head -1 "$3")
  if [[ $method == PUT ]]; then
    curl -s -i --max-time 10 -T "$BODY" "$url" >"$4" 2>&1
  else
    curl -s -i --max-time 10 "$url" 2>&1 | head -c 2000 >"$4"
  fi
}

# run_s3_wrk SERVER METHOD CONNS SECONDS OUT: prints "parse_wrk + cpu_us_per_op".
run_s3_wrk() {
  local s=$1 method=$2 conns=$3 secs=$4 out=$5 urls c0 c1 parsed rps req hz
  urls=$WORK/urls-$s/${method,,}.urls
  c0=$(cpu_ticks "${PID[$s]}")
  timeout $((secs + 60)) wrk -t$WRK_THREADS -c"$conns" -d"${secs}s" --latency "${ENDPOINT[$s]}" \
    -s "$LUA" -- "$urls" "$method" "$WRK_THREADS" "$BODY" >"$out" 2>&1 ||
    die "wrk ($s, $method, $conns connections) failed: $(tail -3 "$out")"
  c1=$(cpu_ticks "${PID[$s]}")
  parsed=$(parse_wrk "$out")
  read -r rps _ _ req _ _ <<<"$parsed"
  [[ $rps =~ ^[0-9.]+$ && $req -gt 0 ]] || die "cannot parse wrk output ($s, $method): $(cat "$out")"
  hz=$(getconf CLK_TCK)
  echo "$parsed $(awk -v t=$((c1 - c0)) -v hz="$hz" -v r="$req" 'BEGIN { printf "%.1f", t / hz * 1e6 / r }')"
}

LOAD_SMALL=$(cut -d' ' -f1-3 /proc/loadavg)
log "4 KiB: load average before: $LOAD_SMALL; GET warm-up ${BENCH_WARMUP}s each"
for s in "${SERVERS[@]}"; do
  run_s3_wrk "$s" GET 64 "$BENCH_WARMUP" "$RAW/warmup-$s.txt" >/dev/null
done

SCENARIOS=()
for method in PUT GET; do
  for c in "${CONNS[@]}"; do SCENARIOS+=("$method-$c"); done
done
declare -A RPS P50 P99 CPU SCEN_FAIL  # "scenario server" -> space-separated values per round
RUN_ROWS=""
for ((i = 1; i <= BENCH_S3_ROUNDS; i++)); do
  for sc in "${SCENARIOS[@]}"; do
    method=${sc%-*} c=${sc#*-}
    for s in "${SERVERS[@]}"; do
      out=$RAW/$s-${method,,}-c$c-$i.txt
      line=$(run_s3_wrk "$s" "$method" "$c" "$BENCH_SECONDS" "$out") || exit 2
      read -r rps p50 p99 req err non2xx cpu <<<"$line"
      pct=$(awk -v e=$((err + non2xx)) -v r="$req" 'BEGIN { printf "%.2f", 100 * e / r }')
      status=ok
      if awk -v p="$pct" 'BEGIN { exit !(p > 1) }'; then
        status="**failed**"
        FAILED=1
        SCEN_FAIL["$sc $s"]=1
        probe "$s" "$method" "$WORK/urls-$s/${method,,}.urls" "$RAW/probe-$s-${method,,}-c$c-$i.txt"
        PROBLEMS+="- round $i, $method c$c, $s: $err socket errors and $non2xx non-2xx of $req requests ($pct%); "
        PROBLEMS+="one more request with curl answered \`$(head -1 "$RAW/probe-$s-${method,,}-c$c-$i.txt" | tr -d '\r')\`"
        PROBLEMS+=" (s3-raw/probe-$s-${method,,}-c$c-$i.txt)"$'\n'
      fi
      log "round $i $method c$c $s: $rps ops/s, p50 ${p50} ms, p99 ${p99} ms, ${cpu} µs CPU/op, errors $err, non-2xx $non2xx ($status)"
      RPS["$sc $s"]+="$rps "; P50["$sc $s"]+="$p50 "; P99["$sc $s"]+="$p99 "; CPU["$sc $s"]+="$cpu "
      RUN_ROWS+="| $i | $method | $c | $s | $(printf '%.0f' "$rps") | $p50 | $p99 | $cpu | $req | $err | $non2xx | $status |"$'\n'
    done
  done
done

# The PUT runs must have stored the body: read put/00000 back from each server.
for s in "${SERVERS[@]}"; do
  code=$(curl -s --max-time 10 -o "$WORK/check-$s.bin" -w '%{http_code}' "$(cat "$WORK/urls-$s/check.url")")
  if [[ $code != 200 ]] || ! cmp -s "$WORK/check-$s.bin" "$BODY"; then
    FAILED=1
    PROBLEMS+="- $s: GET of put/00000 after the PUT runs answered $code, body $(stat -c %s "$WORK/check-$s.bin" 2>/dev/null || echo 0) bytes, not the 4 KiB sent"$'\n'
  fi
done

###############################################################################
# 2. Large object and the disk's sequential write speed
###############################################################################

mbps() { awk -v b="$1" -v t="$2" 'BEGIN { if (t > 0) printf "%.1f", b / t / 1e6; else print "nan" }'; }

LOAD_LARGE=$(cut -d' ' -f1-3 /proc/loadavg)
log "large: load average before: $LOAD_LARGE; dd ${BENCH_S3_LARGE_MIB} MiB with fdatasync in $WORK"
timeout 120 sync
DD_OUT=$(timeout 300 dd if=/dev/zero of="$WORK/ddtest" bs=1M count="$BENCH_S3_LARGE_MIB" conv=fdatasync 2>&1) ||
  die "dd failed: $DD_OUT"
rm -f "$WORK/ddtest"
echo "$DD_OUT" >"$RAW/dd.txt"
# "1073741824 bytes (1.1 GB, 1.0 GiB) copied, 4.16 s, 258 MB/s": bytes / seconds.
DD_MBPS=$(echo "$DD_OUT" | awk '/copied/ { for (i = 1; i <= NF; i++) if ($i == "s,") s = $(i - 1); printf "%.1f", $1 / s / 1e6 }')
[[ $DD_MBPS =~ ^[0-9.]+$ ]] || die "cannot parse dd output: $DD_OUT"
log "disk sequential write: $DD_MBPS MB/s"

declare -A L_PUT L_GET
for s in "${SERVERS[@]}"; do
  timeout 120 sync  # start from clean page cache state: nothing left to write back
  read -r code t < <(curl -s --max-time 600 -o "$RAW/large-put-$s.body" -w '%{http_code} %{time_total}\n' \
    -T "$LARGE" "$(cat "$WORK/urls-$s/large-put.url")")
  if [[ $code == 200 ]]; then
    L_PUT[$s]=$(mbps "$LARGE_BYTES" "$t")
  else
    L_PUT[$s]="failed ($code)"
    FAILED=1
    PROBLEMS+="- $s: large PUT answered ${code:-nothing} after ${t:-?} s: $(head -c 300 "$RAW/large-put-$s.body" | tr -d '\r\n')"$'\n'
  fi
  read -r code t size < <(curl -s --max-time 600 -o /dev/null -w '%{http_code} %{time_total} %{size_download}\n' \
    "$(cat "$WORK/urls-$s/large-get.url")")
  if [[ $code == 200 && $size == "$LARGE_BYTES" ]]; then
    L_GET[$s]=$(mbps "$LARGE_BYTES" "$t")
  else
    L_GET[$s]="failed ($code)"
    FAILED=1
    PROBLEMS+="- $s: large GET answered ${code:-nothing} with ${size:-0} of $LARGE_BYTES bytes after ${t:-?} s"$'\n'
  fi
  log "large $s: PUT ${L_PUT[$s]} MB/s, GET ${L_GET[$s]} MB/s"
done

###############################################################################
# 3. Peak memory
###############################################################################

declare -A HWM RSS_NOW
for s in "${SERVERS[@]}"; do
  kill -0 "${PID[$s]}" 2>/dev/null || {
    FAILED=1
    PROBLEMS+="- $s exited during the benchmark (see its stderr.log)"$'\n'
  }
  HWM[$s]=$(mib "$(status_kib "${PID[$s]}" VmHWM)")
  RSS_NOW[$s]=$(mib "$(status_kib "${PID[$s]}" VmRSS)")
done

# Access log excerpt of any failed stratus request, for the record (the log is
# flushed once a second).
sleep 1.2
grep -v '"status":200' "$S_ACCESS_LOG" 2>/dev/null | grep -v '"operation":"CreateBucket"' | tail -20 \
  >"$RAW/stratus-access-non200.log"
cp "$S_ACCESS_LOG" "$RAW/stratus-access.log" 2>/dev/null
cp "$S_DIR/stderr.log" "$RAW/stratus-stderr.log" 2>/dev/null
cp "$R_DIR/stderr.log" "$RAW/s3rver-stderr.log" 2>/dev/null

for s in "${SERVERS[@]}"; do stop_pid "${PID[$s]}"; done

###############################################################################
# Report
###############################################################################

met() {  # met VALUE LIMIT: "met" when VALUE >= LIMIT
  awk -v v="$1" -v l="$2" 'BEGIN { print (v + 0 >= l) ? "met" : "**not met**" }'
}
is_num() { [[ $1 =~ ^[0-9.]+$ ]]; }

GOAL_ROWS="" SMALL_ROWS=""
row() {  # row LABEL ARRAY FORMAT: medians of one metric of scenario $sc
  local label=$1 fmt=$3 v1 v2 x
  local -n arr=$2
  read -r -a x <<<"${arr["$sc stratus"]}"; v1=$(median "${x[@]}")
  read -r -a x <<<"${arr["$sc s3rver"]}"; v2=$(median "${x[@]}")
  SMALL_ROWS+="| $method c$c $label | $(printf "$fmt" "$v1") | $(printf "$fmt" "$v2") | $(ratio "$v1" "$v2") |"$'\n'
}
for sc in "${SCENARIOS[@]}"; do
  method=${sc%-*} c=${sc#*-}
  read -r -a a <<<"${RPS["$sc stratus"]}"; sr=$(median "${a[@]}")
  read -r -a a <<<"${RPS["$sc s3rver"]}"; rr=$(median "${a[@]}")
  r=$(ratio "$sr" "$rr")
  if [[ -n ${SCEN_FAIL["$sc stratus"]:-} || -n ${SCEN_FAIL["$sc s3rver"]:-} ]]; then st="**failed** (errors > 1%)"; else st=$(met "$r" 10); fi
  GOAL_ROWS+="| 4 KiB $method ops/s, $c connections, stratus / s3rver | **${r}×** ($(printf '%.0f' "$sr") vs $(printf '%.0f' "$rr")) | ≥ 10× | $st |"$'\n'
  row "ops/s" RPS '%.0f'
  row "p50 (ms)" P50 '%.2f'
  row "p99 (ms)" P99 '%.2f'
  row "server CPU per op (µs)" CPU '%.1f'
done

if is_num "${L_PUT[stratus]}"; then
  LR=$(ratio "${L_PUT[stratus]}" "$DD_MBPS")
  GOAL_ROWS+="| ${BENCH_S3_LARGE_MIB} MiB PUT, stratus / disk sequential write | **${LR}×** (${L_PUT[stratus]} vs $DD_MBPS MB/s) | ≥ 0.7× | $(met "$LR" 0.7) |"$'\n'
else
  GOAL_ROWS+="| ${BENCH_S3_LARGE_MIB} MiB PUT, stratus / disk sequential write | ${L_PUT[stratus]} | ≥ 0.7× | **failed** |"$'\n'
fi
num_ratio() { if is_num "$1" && is_num "$2"; then ratio "$1" "$2"; else echo "—"; fi; }

REPORT=$WORK/s3.md
cat >"$REPORT" <<EOF
# stratus S3 benchmark results

$DATE — $NPROC cores ($CPU_MODEL), kernel $KERNEL, data on $FS_INFO;
stratus $VERSION ($COMMIT, ${BUILD_TYPE:-?} build), s3rver $S3RVER_VERSION on node $NODE_VERSION,
wrk $WRK_VERSION, curl $CURL_VERSION, boto3 $BOTO3_VERSION. 4 KiB numbers are medians of $BENCH_S3_ROUNDS
round(s) of \`wrk -t$WRK_THREADS -cN -d${BENCH_SECONDS}s --latency\` replaying $BENCH_S3_URLS presigned URLs,
s3rver and stratus alternating.

| Goal | Measured | Target | Status |
|---|---|---|---|
$GOAL_ROWS
| 4 KiB objects (median) | stratus | s3rver | stratus / s3rver |
|---|---|---|---|
$SMALL_ROWS
| ${BENCH_S3_LARGE_MIB} MiB object (curl, presigned URL) | stratus | s3rver | stratus / s3rver |
|---|---|---|---|
| PUT (\`curl -T\`), MB/s | ${L_PUT[stratus]} | ${L_PUT[s3rver]} | $(num_ratio "${L_PUT[stratus]}" "${L_PUT[s3rver]}") |
| GET (to /dev/null), MB/s | ${L_GET[stratus]} | ${L_GET[s3rver]} | $(num_ratio "${L_GET[stratus]}" "${L_GET[s3rver]}") |
| disk sequential write (\`dd bs=1M conv=fdatasync\`, same dir), MB/s | $DD_MBPS | | |

| Memory | stratus | s3rver | stratus / s3rver |
|---|---|---|---|
| peak RSS (VmHWM) after all runs, MB | ${HWM[stratus]} | ${HWM[s3rver]} | $(ratio "${HWM[stratus]}" "${HWM[s3rver]}") |
| RSS at the end, MB | ${RSS_NOW[stratus]} | ${RSS_NOW[s3rver]} | $(ratio "${RSS_NOW[stratus]}" "${RSS_NOW[s3rver]}") |

Every 4 KiB run (latency in ms; server CPU = user + system time of the server
process per operation; errors = wrk socket errors; a run fails above 1% errors + non-2xx):

| round | op | conns | server | ops/s | p50 | p99 | CPU µs/op | requests | errors | non-2xx | status |
|---|---|---|---|---|---|---|---|---|---|---|---|
$RUN_ROWS
MB/s = 10^6 bytes per second. Load average (1, 5, 15 min) before the 4 KiB runs:
$LOAD_SMALL; before the large object: $LOAD_LARGE. On a $NPROC-core machine that also
runs wrk (2 threads) and the idle peer, anything much above ~2 means other processes
competed for the CPU. Raw output: bench/results/s3-raw/.
EOF
if [[ -n $PROBLEMS ]]; then
  printf '\nProblems:\n\n%s' "$PROBLEMS" >>"$REPORT"
fi

rm -rf "$RESULTS/s3-raw" && cp -r "$RAW" "$RESULTS/s3-raw" && cp "$REPORT" "$RESULTS/s3.md" ||
  die "cannot write $RESULTS"
cat "$RESULTS/s3.md"
log "wrote $RESULTS/s3.md"
exit "$FAILED"
