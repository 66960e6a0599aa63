#!/usr/bin/env bash
# Issue #21: what `media.opus_complexity` and `media.opus_bitrate` buy.
# Speech from espeak-ng (four voices, English and German, resampled to
# 8 kHz by sox) goes through the gateway's transcoding path
# (examples/opus_roundtrip.rs: PCMU as the caller sends it, PCMU -> Opus
# and Opus -> PCMU by the gateway's Transcoder) at each complexity and
# bitrate, and is scored against the original by ITU-T P.862 PESQ
# (narrowband MOS-LQO, PyPI `pesq`); PCMU alone, what a relayed call
# gets, is the reference. The encoder's CPU per frame comes from the same
# run (wall clock on this machine, single thread); benches/media.rs has
# the criterion figure. Writes perf/results/opus_quality-<date>.md.
#
# Needs: espeak-ng and sox (Debian), `pip install pesq numpy scipy`.
#   COMPLEXITIES="0 1 2 3 5 10" BITRATES="0 16000 24000 32000" perf/opus_quality.sh
set -uo pipefail
cd "$(dirname "$0")/.."
COMPLEXITIES=${COMPLEXITIES:-"0 1 2 3 5 10"}; BITRATES=${BITRATES:-"0 16000 24000 32000"}
FEATURES=${FEATURES:-}
for t in espeak-ng sox; do command -v $t >/dev/null || { echo "needs $t (apt-get install espeak-ng sox)"; exit 1; }; done
python3 -c "import pesq, scipy" 2>/dev/null || { echo "needs pip install pesq numpy scipy"; exit 1; }
cargo build --release --example opus_roundtrip ${FEATURES:+--features "$FEATURES"} >/dev/null 2>&1 || { echo "build failed"; exit 1; }
EX=target/release/examples/opus_roundtrip
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
say() { espeak-ng -v "$1" -s "$2" -w "$W/raw.wav" "$3" && sox -q "$W/raw.wav" -r 8000 -c 1 -b 16 "$W/$4.wav" vol 0.8; }
say en-us 150 "The birch canoe slid on the smooth planks. Glue the sheet to the dark blue background. It is easy to tell the depth of a well. These days a chicken leg is a rare dish." s1
say en-us+f3 140 "Rice is often served in round bowls. The juice of lemons makes fine punch. The box was thrown beside the parked truck. Four hours of steady work faced us." s2
say en-gb-x-rp+m4 160 "A large size in stockings is hard to sell. The boy was there when the sun rose. A rod is used to catch pink salmon. The source of the huge river is the clear spring." s3
say de+f2 150 "Der Zug nach Berlin hat heute zwanzig Minuten Verspaetung. Bitte halten Sie Ihre Fahrkarten bereit. Wir danken fuer Ihr Verstaendnis." s4
ROWS="$W/rows"
for s in s1 s2 s3 s4; do
  $EX "$W/$s.wav" "$W/$s-g711.wav" --complexity g711 >/dev/null
  echo "$s g711 - - -" >>"$ROWS"
  for b in $BITRATES; do for c in $COMPLEXITIES; do
    line=$($EX "$W/$s.wav" "$W/$s-$c-$b.wav" --complexity "$c" --bitrate "$b")
    echo "$s $c $b $(awk '{print $4, $6}' <<<"$line")" >>"$ROWS"
  done; done
done
mkdir -p perf/results
STAMP=$(date -u +%Y%m%d-%H%M%S); OUT=perf/results/opus_quality-$STAMP.md
python3 - "$W" "$ROWS" "$OUT" "$COMPLEXITIES" "$BITRATES" "$FEATURES" <<'PY'
import sys, os, subprocess, statistics, datetime
from scipy.io import wavfile
from pesq import pesq
w, rows, out, cs, bs, feat = sys.argv[1:7]
score = {}; cost = {}; size = {}
for line in open(rows):
    s, c, b, us, by = line.split()
    ref = wavfile.read(f"{w}/{s}.wav")[1]
    deg = wavfile.read(f"{w}/{s}-g711.wav" if c == "g711" else f"{w}/{s}-{c}-{b}.wav")[1]
    k = (c, b)
    score.setdefault(k, []).append(pesq(8000, ref, deg, "nb"))
    if us != "-":
        cost.setdefault(k, []).append(float(us)); size.setdefault(k, []).append(float(by))
rev = subprocess.run(["git", "describe", "--always", "--dirty"], capture_output=True, text=True).stdout.strip()
cpu = next((l.split(": ", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
with open(out, "w") as f:
    f.write(f"# Opus complexity and bitrate: CPU per frame and PESQ through the transcoding path — {datetime.datetime.utcnow():%Y-%m-%dT%H:%M:%SZ}\n\n")
    f.write(f"- machine: {os.cpu_count()} cores, {cpu}, kernel {os.uname().release}\n")
    f.write(f"- rvoip {rev}{', features ' + feat if feat else ''} (Opus: {'system libopus' if 'audiopus' in feat else 'unsafe-libopus'})\n")
    f.write(f"- command: `COMPLEXITIES=\"{cs}\" BITRATES=\"{bs}\" perf/opus_quality.sh`\n")
    f.write("- speech: espeak-ng, four voices (en-us, en-us+f3, en-gb-x-rp+m4, de+f2; about 10 s each), 8 kHz; path: PCMU -> Opus (8 kHz, 20 ms) -> PCMU, as a transcoded call's voice takes it; score: ITU-T P.862 narrowband MOS-LQO (PyPI pesq), mean (min-max) over the four; synthetic speech, so compare rows, not with published MOS\n")
    f.write("- encode: the PCMU -> Opus transcoder's wall-clock µs per 20 ms frame in this run (one thread), mean over the four; bytes: Opus payload per frame\n\n")
    g = score[("g711", "-")]
    f.write(f"PCMU alone (a relayed call): PESQ **{statistics.mean(g):.2f}** ({min(g):.2f}-{max(g):.2f})\n\n")
    f.write("| bitrate | complexity | PESQ | encode µs / frame | bytes / frame |\n|---|---|---|---|---|\n")
    for b in bs.split():
        for c in cs.split():
            k = (c, b); v = score[k]
            f.write(f"| {'libopus (0)' if b == '0' else b} | {c} | {statistics.mean(v):.2f} ({min(v):.2f}-{max(v):.2f}) | {statistics.mean(cost[k]):.1f} | {statistics.mean(size[k]):.1f} |\n")
print(open(out).read())
PY
