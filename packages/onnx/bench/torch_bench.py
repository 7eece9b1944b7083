"""The PyTorch side of the ONNX benchmark (never a dependency: run.mjs skips
it when `import torch` fails). --mode forward: DnCNN-17 forward on 8x48x48x1
under no_grad at --threads. --mode bsd68: the pretrained DnCNN (read from
its safetensors file) over BSD68 at full size: PNG decoding, noise,
forward, PSNR of the 8-bit output. Prints one JSON line."""
import argparse
import glob
import json
import os
import statistics
import struct
import time

import numpy as np
import torch
import torch.nn as nn
from PIL import Image


class DnCNN(nn.Module):
    """cszn/DnCNN's dncnn_pytorch: one Sequential, output = input - net(input)."""

    def __init__(self, depth=17, width=64, channels=1):
        super().__init__()
        layers = [nn.Conv2d(channels, width, 3, 1, 1), nn.ReLU()]
        for _ in range(depth - 2):
            layers += [nn.Conv2d(width, width, 3, 1, 1, bias=False), nn.BatchNorm2d(width, eps=1e-4), nn.ReLU()]
        layers += [nn.Conv2d(width, channels, 3, 1, 1, bias=False)]
        self.dncnn = nn.Sequential(*layers)

    def forward(self, x):
        return x - self.dncnn(x)


def read_safetensors(path):
    """The safetensors layout: u64 header size, JSON header, raw little-endian data."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    dtypes = {"F32": np.float32, "I64": np.int64}
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        a, b = info["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[a:b], dtype=dtypes[info["dtype"]]).reshape(info["shape"]).copy())
    return out


def forward_mode(args):
    torch.manual_seed(1)
    net = DnCNN().eval()
    x = torch.rand(8, 1, 48, 48)
    ms, cpu = [], []
    with torch.no_grad():
        for i in range(args.warmup + args.reps):
            c0, t0 = time.process_time(), time.perf_counter()
            net(x)
            if i >= args.warmup:
                ms.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
    return {"forward": {"ms": ms, "cpuMs": cpu, "median": statistics.median(ms), "cpuMedian": statistics.median(cpu)}}


def bsd68_mode(args):
    net = DnCNN().eval()
    net.load_state_dict(read_safetensors(args.weights), strict=True)
    files = sorted(glob.glob(os.path.join(args.root, "BSD68", "*.png")))
    gen = torch.Generator().manual_seed(0)
    psnrs = []
    t0, c0 = time.perf_counter(), time.process_time()
    with torch.no_grad():
        for path in files:
            clean = torch.from_numpy(np.asarray(Image.open(path).convert("L"), dtype=np.float32) / 255.0)[None, None]
            noisy = clean + torch.randn(clean.shape, generator=gen) * (25.0 / 255.0)
            out = net(noisy).clamp(0, 1)
            mse = torch.mean((torch.round(out * 255) - torch.round(clean * 255)) ** 2).item()
            psnrs.append(10 * np.log10(255.0**2 / mse))
    return {
        "seconds": time.perf_counter() - t0,
        "cpuSeconds": time.process_time() - c0,
        "images": len(files),
        "psnr": float(np.mean(psnrs)),
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mode", default="forward")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--reps", type=int, default=10)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--root", default="")
    p.add_argument("--weights", default="")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    result = forward_mode(args) if args.mode == "forward" else bsd68_mode(args)
    result.update({"engine": "pytorch", "threads": torch.get_num_threads(), "version": torch.__version__})
    print(json.dumps(result))


if __name__ == "__main__":
    main()
