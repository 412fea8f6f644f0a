#!/usr/bin/env bash
# Rebuilds datasets/samples/<photo>/<photo>-rRcC.png: 64x64 crops of CC0/public-domain photos shipped
# by Debian's python3-skimage (see datasets/README.md for each photo's source and licence).
# Each photo is scaled so its short side is 128 px, then cut on a grid of 64x64 crops with stride 32.
# Needs Debian's python3 with python3-pil and python3-skimage (bin/install-datasets installs the latter).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
out="$here/samples"
data_dir="$(dpkg -L python3-skimage | grep '/skimage/data/astronaut.png$' | xargs dirname)"
if [ -z "$data_dir" ] || [ ! -d "$data_dir" ]; then
  echo "build-samples: python3-skimage's data directory not found; run bin/install-datasets" >&2
  exit 1
fi

rm -rf "$out"
mkdir -p "$out"
/usr/bin/python3 - "$data_dir" "$out" <<'PY'
import os
import sys

from PIL import Image

data_dir, out = sys.argv[1], sys.argv[2]
# photo name -> file in skimage/data; all CC0 or public domain (licences in datasets/README.md)
photos = {
    "astronaut": "astronaut.png",
    "camera": "camera.png",
    "chelsea": "chelsea.png",
    "coffee": "coffee.png",
    "hubble": "hubble_deep_field.jpg",
    "rocket": "rocket.jpg",
}
short_side, crop, stride = 128, 64, 32
for name, fname in photos.items():
    im = Image.open(os.path.join(data_dir, fname))
    im = im.convert("L" if im.mode in ("L", "I", "I;16") else "RGB")
    w, h = im.size
    scale = short_side / min(w, h)
    im = im.resize((round(w * scale), round(h * scale)), Image.LANCZOS)
    w, h = im.size
    os.makedirs(os.path.join(out, name))
    count = 0
    for r, top in enumerate(range(0, h - crop + 1, stride)):
        for c, left in enumerate(range(0, w - crop + 1, stride)):
            tile = im.crop((left, top, left + crop, top + crop))
            tile.save(os.path.join(out, name, f"{name}-r{r}c{c}.png"), optimize=True)
            count += 1
    print(f"{name}: {fname} {w}x{h} {im.mode} -> {count} crops")
PY
du -sh "$out"
