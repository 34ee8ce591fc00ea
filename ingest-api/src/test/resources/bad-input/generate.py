#!/usr/bin/python3
"""Writes the bad-input corpus next to this script (see README.md there for each case's outcome).

Deterministic and offline: Debian's python3-pil only. Run it again after changing a case:
    /usr/bin/python3 ingest-api/src/test/resources/bad-input/generate.py
"""
import io
import os
import random
import struct
import zlib

from PIL import Image, ImageDraw

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(width, height, bit_depth, colour_type, idat):
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def photo(width=64, height=48):
    """A small picture that is clearly upright: red top, blue bottom, a white mark top-left."""
    image = Image.new("RGB", (width, height), (200, 30, 30))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, height // 2, width, height], fill=(30, 30, 200))
    draw.rectangle([2, 2, width // 4, height // 6], fill=(255, 255, 255))
    return image


def jpeg(image, **options):
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, **options)
    return out.getvalue()


def main():
    random.seed(9)
    write("zero-bytes.jpg", b"")
    whole = jpeg(photo())
    write("truncated.jpg", whole[: len(whole) // 2])
    write("text.jpg", b"This is a text file with a .jpg name, not a photo.\n")
    write("page.png", b"<!DOCTYPE html><html><body><script>alert('x')</script></body></html>\n")
    write("drawing.png", b'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="48">'
                         b'<script>alert(1)</script><rect width="64" height="48" fill="red"/></svg>\n')
    # A decompression bomb's header: 30000 x 30000 RGB declared, a token of pixel data.
    write("huge-canvas-30000x30000.png", png(30000, 30000, 8, 2, zlib.compress(b"\x00" * 90001)))
    # A complete, valid 1 x 40,000,000 grayscale PNG: each row is a filter byte and one pixel.
    write("sliver-1x40000000.png", png(1, 40_000_000, 8, 0, zlib.compress(b"\x00\x80" * 40_000_000, 9)))
    # A valid header and CRC-correct chunks whose compressed data is random bytes.
    write("corrupt-data.png", png(64, 48, 8, 2, bytes(random.getrandbits(8) for _ in range(600))))
    rows = b"".join(b"\x00" + b"".join(struct.pack(">HHH", x * 1000, y * 1300, 40000) for x in range(64)) for y in range(48))
    write("sixteen-bit.png", png(64, 48, 16, 2, zlib.compress(rows, 9)))
    write("cmyk.jpg", jpeg(photo().convert("CMYK")))
    write("grayscale.jpg", jpeg(photo().convert("L")))
    # Stored sideways (turned 90 degrees counter-clockwise) with EXIF Orientation 6: a phone shows it upright.
    exif = Image.Exif()
    exif[0x0112] = 6
    write("exif-rotated.jpg", jpeg(photo().transpose(Image.Transpose.ROTATE_90), exif=exif.tobytes()))
    write("progressive.jpg", jpeg(photo(), progressive=True))
    frames = [photo(), photo().transpose(Image.Transpose.FLIP_TOP_BOTTOM)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=200, loop=0)
    write("animated.gif", out.getvalue())
    out = io.BytesIO()
    frames[0].save(out, "WEBP", save_all=True, append_images=frames[1:], duration=200, loop=0, quality=80)
    write("animated.webp", out.getvalue())
    write("ordinary.jpg", whole)


if __name__ == "__main__":
    main()
