#!/usr/bin/python3
"""Export the seed's PyTorch Food-11 MobileNetV2 to ONNX, with the model.json the processor needs.

The seed trains torchvision's mobilenet_v2 with an 11-class head and saves the whole model (or its
state dict) as food11.pth. Then:

    python3 export_seed_model.py --checkpoint food11.pth --out /models/food11-mobilenetv2 --version 2026-11-24
    MODEL_DIR=/models/food11-mobilenetv2 java -jar inference-processor/target/inference-processor-exec.jar

Needs torch and torchvision (the seed's environment has both).
"""
import argparse
import json
import os

import torch
import torchvision

LABELS = ["Bread", "Dairy product", "Dessert", "Egg", "Fried food", "Meat",
          "Noodles/Pasta", "Rice", "Seafood", "Soup", "Vegetable/Fruit"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--checkpoint", required=True, help="food11.pth: a whole model or a state dict")
    p.add_argument("--out", required=True)
    p.add_argument("--version", required=True)
    args = p.parse_args()

    loaded = torch.load(args.checkpoint, map_location="cpu")
    if isinstance(loaded, torch.nn.Module):
        model = loaded
    else:
        model = torchvision.models.mobilenet_v2(num_classes=len(LABELS))
        model.load_state_dict(loaded)
    model.eval()

    os.makedirs(args.out, exist_ok=True)
    torch.onnx.export(model, torch.zeros(1, 3, 224, 224), os.path.join(args.out, "model.onnx"),
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, opset_version=17)
    sidecar = {
        "id": "food11-mobilenetv2", "version": args.version, "labels": LABELS,
        "input": {"name": "input", "layout": "NCHW", "height": 224, "width": 224},
        "output": {"name": "logits", "kind": "logits"},
        # The seed's serving transform: Resize((224, 224)) then ToTensor and Normalize.
        "preprocessing": {"resize": "stretch", "resizeSize": 224, "cropSize": 224, "channelOrder": "RGB",
                          "scale": 1 / 255, "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]},
    }
    with open(os.path.join(args.out, "model.json"), "w") as f:
        json.dump(sidecar, f, indent=2)
    print("wrote", args.out)


if __name__ == "__main__":
    main()
