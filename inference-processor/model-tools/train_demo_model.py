#!/usr/bin/python3
"""Train the demo Food-11 model shipped with inference-processor, and measure it honestly.

The only labelled food photos on our machines are the 27 in ../shared/bench/images/food11/ (the
number before '_' is the true class). That is far too little to learn food; the point of this
model is to exercise the serving path end to end with a real, small, deterministic network whose
outputs depend on the image. So we:

  1. measure leave-one-out top-1 accuracy (train on 26 photos, test on the 27th, 27 times), which
     is the honest estimate of how it does on a photo it has not seen;
  2. train the shipped model on all 27 and report its (optimistic) training accuracy too;
  3. export it to ONNX (opset 13, dynamic batch) with its model.json sidecar.

Run offline with Debian's packages (python3-torch python3-onnx python3-pil python3-numpy):
    /usr/bin/python3 inference-processor/model-tools/train_demo_model.py \
        --images ../shared/bench/images/food11 \
        --out inference-processor/src/main/resources/models/food11-demo
It prints the figures recorded in inference-processor/MODEL_CARD.md.
"""
import argparse
import hashlib
import json
import os
import random

import numpy as np
import torch
import torch.nn as nn
from PIL import Image, ImageEnhance

LABELS = ["Bread", "Dairy product", "Dessert", "Egg", "Fried food", "Meat",
          "Noodles/Pasta", "Rice", "Seafood", "Soup", "Vegetable/Fruit"]
SIZE = 64
MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


class TinyFoodNet(nn.Module):
    """Four strided convolutions, global average pooling, one linear layer (~25k parameters)."""

    def __init__(self, classes=len(LABELS)):
        super().__init__()
        def block(i, o):
            return nn.Sequential(nn.Conv2d(i, o, 3, stride=2, padding=1), nn.BatchNorm2d(o), nn.ReLU())
        self.features = nn.Sequential(block(3, 16), block(16, 32), block(32, 48), block(48, 64))
        self.head = nn.Linear(64, classes)

    def forward(self, x):
        return self.head(self.features(x).mean(dim=(2, 3)))


def to_tensor(img):
    # Same as the Java side: bilinear (antialiased) stretch to SIZE x SIZE, /255, ImageNet mean/std, CHW.
    a = np.asarray(img.resize((SIZE, SIZE), Image.BILINEAR), dtype=np.float32) / 255.0
    return torch.from_numpy(((a - MEAN) / STD).transpose(2, 0, 1).copy())


def augment(img, rng):
    w, h = img.size
    scale = rng.uniform(0.35, 1.0)
    cw, ch = max(8, int(w * scale ** 0.5)), max(8, int(h * scale ** 0.5))
    x, y = rng.randint(0, w - cw), rng.randint(0, h - ch)
    img = img.crop((x, y, x + cw, y + ch))
    if rng.random() < 0.5:
        img = img.transpose(Image.FLIP_LEFT_RIGHT)
    img = ImageEnhance.Brightness(img).enhance(rng.uniform(0.75, 1.25))
    img = ImageEnhance.Color(img).enhance(rng.uniform(0.75, 1.25))
    return img


def load(images_dir):
    photos = []
    for name in sorted(os.listdir(images_dir)):
        if name.endswith(".jpg"):
            img = Image.open(os.path.join(images_dir, name)).convert("RGB")
            img.thumbnail((320, 320), Image.BILINEAR)  # augmentation works on a small copy, for speed
            photos.append((name, img, int(name.split("_")[0])))
    return photos


def augmented_pool(photos, per_photo, seed):
    """Augmented tensors of every photo, made once: training then samples from them cheaply."""
    rng = random.Random(seed)
    return [torch.stack([to_tensor(augment(img, rng)) for _ in range(per_photo)]) for _, img, _ in photos]


def train(pool, labels, seed, steps=300, batch=32):
    torch.manual_seed(seed)
    rng = random.Random(seed)
    model = TinyFoodNet()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    for _ in range(steps):
        picks = [rng.randrange(len(pool)) for _ in range(batch)]
        x = torch.stack([pool[p][rng.randrange(len(pool[p]))] for p in picks])
        y = torch.tensor([labels[p] for p in picks])
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()
    model.eval()
    return model


def predict(model, img):
    with torch.no_grad():
        return int(model(to_tensor(img).unsqueeze(0)).argmax(dim=1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    torch.set_num_threads(max(1, os.cpu_count() or 1))

    photos = load(args.images)
    print(f"{len(photos)} photos; classes present: {sorted({p[2] for p in photos})}")

    pool = augmented_pool(photos, per_photo=48, seed=args.seed)
    labels = [label for _, _, label in photos]
    hits = 0
    for i, (name, img, label) in enumerate(photos):
        model = train(pool[:i] + pool[i + 1:], labels[:i] + labels[i + 1:], seed=args.seed + i)
        got = predict(model, img)
        hits += got == label
        print(f"  leave-one-out {name}: predicted {LABELS[got]!r}, true {LABELS[label]!r}")
    print(f"leave-one-out top-1: {hits}/{len(photos)} = {hits / len(photos):.3f}")

    model = train(pool, labels, seed=args.seed)
    train_hits = sum(predict(model, img) == label for _, img, label in photos)
    print(f"training top-1 (optimistic, seen photos): {train_hits}/{len(photos)} = {train_hits / len(photos):.3f}")
    params = sum(p.numel() for p in model.parameters())
    print(f"parameters: {params}")

    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, "model.onnx")
    torch.onnx.export(model, torch.zeros(1, 3, SIZE, SIZE), onnx_path, input_names=["input"],
                      output_names=["logits"], dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                      opset_version=13)
    sha = hashlib.sha256(open(onnx_path, "rb").read()).hexdigest()
    sidecar = {
        "id": "food11-demo",
        "version": "1-" + sha[:8],
        "labels": LABELS,
        "input": {"name": "input", "layout": "NCHW", "height": SIZE, "width": SIZE},
        "output": {"name": "logits", "kind": "logits"},
        "preprocessing": {"resize": "stretch", "resizeSize": SIZE, "cropSize": SIZE, "channelOrder": "RGB",
                          "scale": 1 / 255, "mean": MEAN.tolist(), "std": STD.tolist()},
    }
    with open(os.path.join(args.out, "model.json"), "w") as f:
        json.dump(sidecar, f, indent=2)
        f.write("\n")
    print(f"wrote {onnx_path} ({os.path.getsize(onnx_path)} bytes, sha256 {sha})")


if __name__ == "__main__":
    main()
