#!/usr/bin/env python3
"""ci/png_stats.py PNG: what a screenshot shows, from its pixels.

Prints "WIDTHxHEIGHT colors=N ink=F": N distinct colours and F the fraction
of pixels that differ from the most common one (the background). Decodes
8-bit, non-interlaced greyscale, RGB, grey+alpha and RGBA PNGs (what
Chromium writes) with the standard library only. Exit 2 on a file it
cannot read.
"""
import struct
import sys
import zlib
from collections import Counter

CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # PNG colour type -> samples per pixel.


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def decode(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    if header is None:
        raise ValueError("no IHDR")
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or interlace != 0 or colour not in CHANNELS:
        raise ValueError(f"unsupported PNG (depth {depth}, colour {colour}, interlace {interlace})")
    bpp = CHANNELS[colour]
    stride = width * bpp
    raw = zlib.decompress(idat)
    rows, prev = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up, up_left = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                line[i] = (line[i] + paeth(left, up, up_left)) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def main():
    if len(sys.argv) != 2:
        print("usage: png_stats.py PNG", file=sys.stderr)
        return 2
    try:
        with open(sys.argv[1], "rb") as f:
            width, height, bpp, rows = decode(f.read())
    except (OSError, ValueError, zlib.error, struct.error) as e:
        print(f"png_stats.py: {sys.argv[1]}: {e}", file=sys.stderr)
        return 2
    counts = Counter()
    for row in rows:
        for x in range(0, len(row), bpp):
            counts[row[x:x + bpp]] += 1
    total = width * height
    background = counts.most_common(1)[0][1] if counts else 0
    ink = (total - background) / total if total else 0.0
    print(f"{width}x{height} colors={len(counts)} ink={ink:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
