#!/usr/bin/env bash
# heapsim report in headless Chromium: the page loads with no console error,
# every layout's SVG memory map is in the DOM, the maps render (screenshots
# under the build tree), and they say the right thing: pr10807-v3's map marks
# the z_heap header user-writable, kernel-only's marks nothing.
#   report-chromium.sh HEAPSIM SCRATCH_DIR
# Exit 0 pass, 1 fail, 77 skipped (no chromium: bash scripts/setup installs it).
set -uo pipefail
heapsim=$1 scratch=$2
fail() { echo "FAIL: $*"; exit 1; }
chromium=$(command -v chromium || command -v chromium-browser) \
  || { echo "SKIP: chromium is not installed (bash scripts/setup installs Debian's chromium)"; exit 77; }
rm -rf "$scratch"; mkdir -p "$scratch/shots"
html=$scratch/html
"$heapsim" report --out "$html" >"$scratch/report.log" 2>&1 || fail "heapsim report: $(tail -1 "$scratch/report.log")"

chrome() { # chromium, headless, no profile left behind; stderr kept (console messages)
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
    --user-data-dir="$scratch/profile" --enable-logging=stderr --v=0 "$@"
}
chrome --dump-dom "file://$html/index.html" >"$scratch/dom.html" 2>"$scratch/console.log" \
  || fail "chromium could not load the report"
# Console messages come as "CONSOLE(line)" / "Uncaught"; failed loads (a missing file) as "Failed to load".
if grep -E 'CONSOLE|Uncaught|Failed to load|ERR_FILE_NOT_FOUND' "$scratch/console.log"; then
  fail "console errors while loading the report"
fi

python3 - "$scratch/dom.html" <<'PY' || exit 1
import re, sys
dom = open(sys.argv[1], encoding='utf-8').read()
maps = dict(re.findall(r'<svg[^>]*class="memory-map"[^>]*data-layout="([^"]+)"[^>]*>(.*?)</svg>', dom, re.S))
for layout in ('pr10807-v2', 'pr10807-v3', 'kernel-only', 'oob'):
    if layout not in maps:
        sys.exit(f'FAIL: no memory map for {layout} in the rendered page')
writable = lambda svg: re.findall(r'class="kernel-trusted user-writable" data-object="[^"]*" data-type="([^"]*)"', svg)
if 'z_heap' not in writable(maps['pr10807-v3']):
    sys.exit(f'FAIL: the pr10807-v3 map does not mark the z_heap header user-writable ({writable(maps["pr10807-v3"])})')
if 'k_heap' not in writable(maps['pr10807-v2']):
    sys.exit('FAIL: the pr10807-v2 map does not mark struct k_heap user-writable')
for safe in ('kernel-only', 'oob'):
    if writable(maps[safe]):
        sys.exit(f'FAIL: the {safe} map marks {writable(maps[safe])} user-writable')
cells = len(re.findall(r'<td style="background:[^"]*" class="v-', dom))
if cells < 100:
    sys.exit(f'FAIL: the verdict matrix has {cells} cells')
if len(re.findall(r'<section class="finding"', dom)) < 2:
    sys.exit('FAIL: fewer than two finding timelines')
print(f'DOM: 4 maps, z_heap user-writable on v3, nothing on the safe layouts; {cells} matrix cells')
PY

# Rendered, not only parsed: a screenshot of the page and of every map.
chrome --window-size=1280,4000 --screenshot="$scratch/shots/index.png" "file://$html/index.html" \
  >/dev/null 2>&1 || fail "no screenshot of index.html"
for svg in "$html"/map-*.svg; do
  n=$(basename "$svg" .svg)
  chrome --window-size=1180,420 --screenshot="$scratch/shots/$n.png" "file://$svg" >/dev/null 2>&1 \
    || fail "no screenshot of $n.svg"
done
# The red of user-writable kernel-trusted bytes: only the legend's swatch on a safe
# layout's map, more than that where the audit found something.
python3 - "$scratch/shots" <<'PY' || exit 1
import os, struct, sys, zlib

def pixels(path):
    """RGB(A) 8-bit non-interlaced PNG (what Chromium writes) -> rows of bytes, bytes per pixel."""
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        sys.exit(f'FAIL: {path} is not a PNG')
    pos, idat = 8, b''
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            w, h, depth, ctype, _, _, interlace = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    if depth != 8 or ctype not in (2, 6) or interlace:
        sys.exit(f'FAIL: {path}: unexpected PNG format')
    bpp = 3 if ctype == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line); prev = line
    return rows, bpp

def red(path):
    rows, bpp = pixels(path)
    return sum(1 for r in rows for i in range(0, len(r), bpp)
               if abs(r[i] - 0xd6) < 12 and abs(r[i + 1] - 0x27) < 12 and abs(r[i + 2] - 0x28) < 12)

d = sys.argv[1]
counts = {n[4:-4]: red(os.path.join(d, n)) for n in sorted(os.listdir(d)) if n.startswith('map-')}
legend = min(counts.values())
print('red (user-writable) pixels per map:', counts)
if legend == 0:
    sys.exit('FAIL: the maps rendered without their legend')
for v in ('pr10807-v2', 'pr10807-v3'):
    if counts[v] <= legend:
        sys.exit(f'FAIL: the {v} map shows no user-writable bytes when rendered')
for s in ('kernel-only', 'oob'):
    if counts[s] != legend:
        sys.exit(f'FAIL: the {s} map shows red beyond the legend')
PY
echo "screenshots: $scratch/shots"
