#!/usr/bin/env bash
# Load test: wrk against a running server, page by page, and against the bare Django view served by
# the same server, in one run; prints req/s, p50/p99 latency, errors and the ratios to the bare view.
#
# Three floors, each measured in the same run (first and last; a floor is the mean of its runs):
# - "bare cached": /_bench/bare/ anonymous. With Redis the page cache stores it like any public page,
#   so this is a cache hit: the floor for a public page served from the cache.
# - "bare uncached": /_bench/bare/uncached/ anonymous, the same view never stored (a cache look-up that
#   misses, then the view): the floor for a public page past the cache (after a write, or no Redis).
# - "bare signed in": /_bench/bare/ as bench_board: session, user, groups, never the page cache: the
#   floor for a signed-in page.
# Every row is set against the cached floor and against the floor past the cache for its persona
# (uncached for anonymous rows, signed in for bench_board's), and says whether wrk's requests were
# served from the page cache (the X-Page-Cache header of a request after the warm-up: hit, miss or -).
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/iisg_bench_100x SECRET_KEY=<the server's> bench/load.sh [URL]
#
# URL defaults to http://127.0.0.1:8000. The server must run with DJANGO_SETTINGS_MODULE=bench.settings
# (it serves /_bench/bare/); bench/README.md shows how to start gunicorn. Run this with the server's
# DATABASE_URL and SECRET_KEY: the page paths come from the database (bench/pages.py --paths) and
# so does the session cookie of bench_board for the signed-in rows (bench/session.py).
#
# Environment (defaults): LOAD_DURATION (10s) per page, LOAD_CONNECTIONS (4), LOAD_THREADS (2),
# LOAD_TIMEOUT (8s: wrk counts a slower request as a timeout error), LOAD_SLOW (pages run for
# LOAD_SLOW_DURATION, 40s, with LOAD_SLOW_TIMEOUT, 35s), LOAD_PAGES (the plan below, "page-key:persona"
# words), SERVER_LOG (gunicorn's error log: its WORKER TIMEOUT lines are counted per page),
# PYTHON (.venv/bin/python).
set -euo pipefail

cd "$(dirname "$0")/.."
URL=${1:-http://127.0.0.1:8000}
URL=${URL%/}
DURATION=${LOAD_DURATION:-10s}
CONNECTIONS=${LOAD_CONNECTIONS:-4}
THREADS=${LOAD_THREADS:-2}
TIMEOUT=${LOAD_TIMEOUT:-8s}
PYTHON=${PYTHON:-.venv/bin/python}
# Pages that took seconds per request at 100x: a longer run, and a wrk timeout beyond gunicorn's 30 s,
# so that a worker gunicorn kills shows as an error rather than as nothing.
SLOW=${LOAD_SLOW:-"export-csv export-json search-common"}
SLOW_DURATION=${LOAD_SLOW_DURATION:-40s}
SLOW_TIMEOUT=${LOAD_SLOW_TIMEOUT:-35s}
# The slow exports last, so that workers they keep busy delay nothing else; the bare view first and last.
PLAN=${LOAD_PAGES:-"bare:anonymous bare-uncached:anonymous bare:bench_board home:anonymous meetings:anonymous meeting-6th:anonymous meeting-6th:bench_board
meeting-large:anonymous decisions:anonymous decisions:bench_board decisions-q-common:anonymous
search-common:anonymous search-rare:anonymous ics-all:anonymous ics-meeting:anonymous members:anonymous
organisation:anonymous documents:bench_board actions:bench_board export-json:anonymous export-csv:anonymous
bare:bench_board bare-uncached:anonymous bare:anonymous"}

die() { echo "load.sh: $*" >&2; exit 1; }
command -v wrk >/dev/null || die "wrk is not installed. On Debian: apt-get install -y wrk"
command -v curl >/dev/null || die "curl is not installed. On Debian: apt-get install -y curl"
[ -x "$PYTHON" ] || die "no Python at $PYTHON (set PYTHON)"
[ -n "${DATABASE_URL:-}" ] || die "set DATABASE_URL to the server's database (for the page paths and bench_board's session)"
[ -n "${SECRET_KEY:-}" ] || die "set SECRET_KEY to the server's (sessions are signed with it)"

status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$URL/_bench/bare/" || true)
[ "$status" = 200 ] || die "$URL/_bench/bare/ answered ${status:-nothing}: start the server with DJANGO_SETTINGS_MODULE=bench.settings (bench/README.md)"

declare -A PATHS
while IFS=$'\t' read -r key path; do PATHS[$key]=$path; done < <("$PYTHON" bench/pages.py --paths)
COOKIE=$("$PYTHON" bench/session.py bench_board)
page=$(curl -s --max-time 60 -H "Cookie: $COOKIE" "$URL/actions/" || true)
[[ $page == *bench_board* ]] || die "the session cookie of bench_board is not accepted by $URL (same DATABASE_URL as the server?)"

# wrk prints latencies as 812.00us, 63.23ms, 1.20s or 1.00m: in milliseconds.
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
    f = (u == "us") ? 0.001 : (u == "s") ? 1000 : (u == "m") ? 60000 : 1; printf "%.1f", n * f }'; }

# Wait until the server answers 4 parallel requests to the bare view within a second (workers
# freed from the previous page's requests), at most 60 s.
settle() {
    local start=$SECONDS slow pids pid
    while ((SECONDS - start < 60)); do
        slow=0
        pids=()
        for _ in 1 2 3 4; do
            curl -s -o /dev/null --max-time 1 "$URL/_bench/bare/" &
            pids+=($!)
        done
        for pid in "${pids[@]}"; do wait "$pid" || slow=1; done
        ((slow == 0)) && return 0
        sleep 2
    done
    echo "  (server still busy after 60 s)" >&2
}

worker_timeouts() {
    if [ -n "${SERVER_LOG:-}" ] && [ -f "$SERVER_LOG" ]; then
        grep -c "WORKER TIMEOUT" "$SERVER_LOG" || true
    else
        echo 0
    fi
}

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
ROWS=()
BARE=()
BARE_UNCACHED=()
BARE_SIGNED_IN=()
echo "# wrk -t$THREADS -c$CONNECTIONS -d$DURATION --timeout $TIMEOUT against $URL" >&2
for entry in $PLAN; do
    key=${entry%%:*}
    persona=${entry#*:}
    path=${PATHS[$key]:-}
    [ -n "$path" ] || die "unknown page key '$key' (bench/pages.py --paths lists them)"
    headers=()
    [ "$persona" = anonymous ] || headers=(-H "Cookie: $COOKIE")
    settle
    # Warm-up, one request per worker (templates compiled, caches filled); the first one's status is reported.
    warm=()
    for i in 1 2 3 4; do
        curl -s -o /dev/null -w '%{http_code}\n' --max-time 60 "${headers[@]}" "$URL$path" >"$TMP/warm$i" &
        warm+=($!)
    done
    for pid in "${warm[@]}"; do wait "$pid" || true; done
    code=$(head -c3 "$TMP/warm1")
    # Whether the page cache answers this page now (as it will answer wrk): hit, miss (stored now) or -.
    cached=$(curl -s -o /dev/null -D - --max-time 60 "${headers[@]}" "$URL$path" |
        awk -F': *' 'tolower($1) == "x-page-cache" { gsub(/\r/, "", $2); print $2 }')
    cached=${cached:--}
    settle
    kills_before=$(worker_timeouts)
    duration=$DURATION timeout=$TIMEOUT
    if [[ " $SLOW " == *" $key "* ]]; then duration=$SLOW_DURATION timeout=$SLOW_TIMEOUT; fi
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" --timeout "$timeout" --latency "${headers[@]}" "$URL$path" 2>&1)
    settle
    kills=$(($(worker_timeouts) - kills_before))
    rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
    requests=$(awk '/requests in/ { print $1 }' <<<"$out")
    p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$out")
    # "Socket errors: connect 0, read 2, write 0, timeout 4" (only printed when there are some)
    socket=$(awk '/Socket errors:/ { for (i = 1; i < NF; i++) if ($i ~ /^(connect|read|write|timeout)$/) s += $(i + 1) }
        END { print s + 0 }' <<<"$out")
    timeouts=$(awk '/Socket errors:/ { for (i = 1; i < NF; i++) if ($i == "timeout") t = $(i + 1) } END { print t + 0 }' <<<"$out")
    if [ "${requests:-0}" = 0 ]; then p50="–"; p99="–"; fi
    errors=$(( ${non2xx:-0} + ${socket:-0} ))
    if [ "$key" = bare ] && [ "$persona" = anonymous ]; then BARE+=("${rps:-0}"); fi
    if [ "$key" = bare-uncached ] && [ "$persona" = anonymous ]; then BARE_UNCACHED+=("${rps:-0}"); fi
    if [ "$key" = bare ] && [ "$persona" = bench_board ]; then BARE_SIGNED_IN+=("${rps:-0}"); fi
    echo "  $key $persona: ${rps:-?} req/s, p50 $p50 ms, p99 $p99 ms, $errors errors, $kills worker timeouts, page cache $cached" >&2
    ROWS+=("$key|$persona|\`$path\`|$code|$cached|${rps:-0}|$p50|$p99|${requests:-0}|$errors (timeouts ${timeouts:-0})|$kills")
done

# Each floor: the mean of its runs (first and last), so that drift shows in neither.
mean() { printf '%s\n' "$@" | awk 'NF { s += $1; n++ } END { if (n) printf "%.2f", s / n; else print 0 }'; }
BARE_REF=$(mean "${BARE[@]}")
BARE_UNCACHED_REF=$(mean "${BARE_UNCACHED[@]}")
BARE_SIGNED_IN_REF=$(mean "${BARE_SIGNED_IN[@]}")
ratio() { awk -v r="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f%%", 100 * r / b; else print "–" }'; }

load=$(cut -d' ' -f1-3 /proc/loadavg)
echo
echo "$(date -Iseconds) · $(hostname) ($(nproc) CPUs, load average at the end $load) · $URL"
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --timeout $TIMEOUT per page (${SLOW// /, }: -d$SLOW_DURATION --timeout $SLOW_TIMEOUT), after 4 warm-up requests."
echo "Floors (req/s of each run; the mean is the floor): bare cached (/_bench/bare/ anonymous; a page-cache hit" \
    "when Redis is on) ${BARE[*]:-none} → $BARE_REF; bare uncached (/_bench/bare/uncached/ anonymous, never stored)" \
    "${BARE_UNCACHED[*]:-none} → $BARE_UNCACHED_REF; bare signed in (/_bench/bare/ as bench_board)" \
    "${BARE_SIGNED_IN[*]:-none} → $BARE_SIGNED_IN_REF."
echo "\"vs bare cached\": req/s / the bare cached floor. \"vs bare past the cache\": req/s / the bare uncached floor" \
    "(anonymous rows) or the bare signed-in floor (signed-in rows)."
echo
echo "| page | persona | path | status | page cache | req/s | p50 ms | p99 ms | requests | errors | worker timeouts | vs bare cached | vs bare past the cache |"
echo "|---|---|---|---|---|---:|---:|---:|---:|---|---:|---:|---:|"
for row in "${ROWS[@]}"; do
    IFS='|' read -r key persona path code cached rps p50 p99 requests errors kills <<<"$row"
    if [ "$persona" = anonymous ]; then floor=$BARE_UNCACHED_REF; which="uncached"; else floor=$BARE_SIGNED_IN_REF; which="signed in"; fi
    echo "| $key | $persona | $path | $code | $cached | $rps | $p50 | $p99 | $requests | $errors | $kills | $(ratio "$rps" "$BARE_REF") | $(ratio "$rps" "$floor") ($which) |"
done
