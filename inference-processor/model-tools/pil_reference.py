#!/usr/bin/python3
"""Writes the seed's PIL preprocessing of the shared photos (before normalization) as lossless PNGs.

The seed resizes with torchvision's Resize((224, 224)) on PIL images, which is
Image.resize(size, BILINEAR) on the RGB image. Tests compare this project's tensors against
these pixels (PilParityTest). Needs Debian's python3-pil:

    /usr/bin/python3 inference-processor/model-tools/pil_reference.py test-fixtures/food11 \
        inference-processor/src/test/resources/pil-reference/food11-224
"""
import os
import sys

from PIL import Image

source, target = sys.argv[1], sys.argv[2]
os.makedirs(target, exist_ok=True)
for name in sorted(os.listdir(source)):
    if name.endswith(".jpg"):
        image = Image.open(os.path.join(source, name)).convert("RGB").resize((224, 224), Image.BILINEAR)
        image.save(os.path.join(target, name[:-4] + ".png"), optimize=True)
