#!/usr/bin/python3
"""Reference weights and outputs for the architecture tests (ArchitectureReferenceTests.cs).

Builds each model with real PyTorch and torchvision (Debian's python3-torch and python3-torchvision),
gives every parameter and buffer seeded random values (so no norm is the identity and no zero-initialised
head hides a wrong wiring), runs it in eval mode on a seeded input, and writes for each model NAME:
  NAME.safetensors     the state dict under PyTorch's own names
  NAME.io.safetensors  "input" and "output"
and counts.json with every model's parameter count and, for the torchvision models, the lines of Python that
define it (code lines of the classes and functions it is built from, docstrings, comments and blank lines left out).

Usage: torchvision_reference.py OUTPUT_FOLDER [MODEL ...]
"""
import ast
import importlib
import inspect
import io
import json
import math
import struct
import sys
import tokenize

import torch
from torch import nn
import torchvision


class DcganGenerator(nn.Module):
    """The DCGAN generator of PyTorch's examples (dcgan/main.py): nz=100, ngf=64, nc=3."""

    def __init__(self, nz=100, ngf=64, nc=3):
        super().__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, bias=False), nn.BatchNorm2d(ngf * 8), nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 8, ngf * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 4), nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 2), nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf), nn.ReLU(True),
            nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False), nn.Tanh())

    def forward(self, z):
        return self.main(z)


class TinyUNet(nn.Module):
    """LayerZoo.cs's TinyUNet under the same names: two encoder convolutions (one group-normed), pooling, a bottom,
    two transposed-convolution decoders with skip concatenations, SiLU throughout."""

    def __init__(self):
        super().__init__()
        self.Down1 = nn.Conv2d(3, 8, 3, padding=1)
        self.Down2 = nn.Conv2d(8, 16, 3, padding=1)
        self.Bottom = nn.Conv2d(16, 32, 3, padding=1)
        self.Up2 = nn.ConvTranspose2d(32, 16, 2, stride=2)
        self.Merge2 = nn.Conv2d(32, 16, 3, padding=1)
        self.Up1 = nn.ConvTranspose2d(16, 8, 2, stride=2)
        self.Merge1 = nn.Conv2d(16, 8, 3, padding=1)
        self.Classify = nn.Conv2d(8, 2, 1)
        self.Norm = nn.GroupNorm(4, 16)

    def forward(self, x):
        pool, act = nn.functional.max_pool2d, nn.functional.silu
        skip1 = act(self.Down1(x))
        skip2 = act(self.Norm(self.Down2(pool(skip1, 2))))
        bottom = act(self.Bottom(pool(skip2, 2)))
        up2 = act(self.Merge2(torch.cat([self.Up2(bottom), skip2], 1)))
        up1 = act(self.Merge1(torch.cat([self.Up1(up2), skip1], 1)))
        return self.Classify(up1)


MODELS = {
    "efficientnet_b0": (lambda: torchvision.models.efficientnet_b0(), (2, 3, 224, 224)),
    "convnext_tiny": (lambda: torchvision.models.convnext_tiny(), (2, 3, 224, 224)),
    "vit_b_16": (lambda: torchvision.models.vit_b_16(), (2, 3, 224, 224)),
    "dcgan_generator": (DcganGenerator, (2, 100, 1, 1)),
    "tiny_unet": (TinyUNet, (2, 3, 16, 16)),
}


def randomize(model):
    """Seeded values everywhere: weights at 1/sqrt(fan-in), norms and layer scales around 1, small biases and statistics."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            leaf = name.rsplit(".", 1)[-1]
            if leaf == "layer_scale":
                p.uniform_(0.2, 0.6)
            elif leaf in ("class_token", "pos_embedding"):
                p.normal_(0, 0.02)
            elif p.dim() >= 2:
                p.normal_(0, 1 / math.sqrt(p[0].numel()))
            elif leaf == "weight":
                p.uniform_(0.5, 1.5)
            else:
                p.normal_(0, 0.1)
        for name, b in model.named_buffers():
            if name.endswith("running_mean"):
                b.normal_(0, 0.1)
            elif name.endswith("running_var"):
                b.uniform_(0.5, 1.5)


def sources():
    """What each torchvision model is built from, as its source defines it (torch.nn's own layers not counted)."""
    from torchvision.models import convnext as c, efficientnet as e, vision_transformer as v, _utils as u
    from torchvision.ops import misc as m
    sd = importlib.import_module("torchvision.ops.stochastic_depth")  # the package re-exports a function of that name
    norm_act = [m.ConvNormActivation, m.Conv2dNormActivation]
    depth = [sd.stochastic_depth, sd.StochasticDepth]
    return {
        "efficientnet_b0": [e._MBConvConfig, e.MBConvConfig, e.MBConv, e.EfficientNet, e._efficientnet_conf, e._efficientnet,
                            e.efficientnet_b0, u._make_divisible, m.SqueezeExcitation] + norm_act + depth,
        "convnext_tiny": [c.LayerNorm2d, m.Permute, c.CNBlock, c.CNBlockConfig, c.ConvNeXt, c._convnext, c.convnext_tiny] + norm_act + depth,
        "vit_b_16": [m.MLP, v.MLPBlock, v.EncoderBlock, v.Encoder, v.VisionTransformer, v._vision_transformer, v.vit_b_16],
    }


def code_lines(obj):
    """Lines holding code: not blank, not only a comment, not part of a docstring."""
    text = inspect.getsource(obj)
    tree = ast.parse(text)
    docstrings = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
                and isinstance(body[0].value.value, str):
            docstrings.update(range(body[0].lineno, body[0].end_lineno + 1))
    lines = set()
    skip = (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER)
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type not in skip:
            lines.update(n for n in range(token.start[0], token.end[0] + 1) if n not in docstrings)
    return len(lines)


DTYPES = {torch.float32: "F32", torch.int64: "I64"}


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous().cpu()
        data = t.numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for data in blobs:
            f.write(data)


def main():
    folder, names = sys.argv[1], sys.argv[2:] or list(MODELS)
    torch.set_num_threads(max(1, torch.get_num_threads()))
    counts, lines = {}, {}
    defined = sources()
    for name in names:
        make, shape = MODELS[name]
        torch.manual_seed(0)
        model = make()
        randomize(model)
        model.eval()
        x = torch.randn(*shape)
        with torch.no_grad():
            y = model(x)
        counts[name] = sum(p.numel() for p in model.parameters())
        if name in defined:
            lines[name] = sum(code_lines(obj) for obj in defined[name])
        write_safetensors(f"{folder}/{name}.safetensors", model.state_dict())
        write_safetensors(f"{folder}/{name}.io.safetensors", {"input": x, "output": y})
    with open(f"{folder}/counts.json", "w") as f:
        json.dump({"parameters": counts, "source_lines": lines}, f, indent=1)


if __name__ == "__main__":
    main()
