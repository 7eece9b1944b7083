"""The PyTorch side of the benchmark: the nets of nets.mjs, layer for layer,
at a given thread count. Prints one JSON line. Never a dependency: run.mjs
skips this side when `import torch` fails."""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F



def bn_block(cin, cout, stride=1):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout))


class DnCNN(nn.Module):
    def __init__(self, depth=6, width=32, channels=1):
        super().__init__()
        layers = [nn.Conv2d(channels, width, 3, 1, 1), nn.ReLU()]
        for _ in range(depth - 2):
            layers += [nn.Conv2d(width, width, 3, 1, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU()]
        layers += [nn.Conv2d(width, channels, 3, 1, 1, bias=False)]
        self.body = nn.Sequential(*layers)

    def forward(self, x):
        return x - self.body(x)


class SpikeSigmoid(torch.autograd.Function):
    """Heaviside forward, sigmoid surrogate (alpha 4) backward."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return (x >= 0).to(x.dtype)

    @staticmethod
    def backward(ctx, dy):
        (x,) = ctx.saved_tensors
        s = torch.sigmoid(4.0 * x)
        return dy * 4.0 * s * (1 - s)


def lif(h, T, tau=2.0, threshold=0.15, v_reset=0.0):
    """Multi-step LIF as SpikingJelly's torch backend runs it: a loop over T of
    elementwise ops (charge without input decay, fire, hard reset)."""
    x = h.reshape(T, -1, *h.shape[1:])
    v = torch.zeros_like(x[0])
    out = []
    for t in range(T):
        hv = v - (v - v_reset) / tau + x[t]
        s = SpikeSigmoid.apply(hv - threshold)
        v = s * v_reset + (1 - s) * hv
        out.append(s)
    return torch.stack(out).reshape(h.shape)


class SpikingUNet(nn.Module):
    def __init__(self, width=16, timesteps=4, channels=1):
        super().__init__()
        w2 = 2 * width
        self.T = timesteps
        self.width = width
        self.enc = bn_block(channels, width)
        self.down = bn_block(width, w2, 2)
        self.mid = bn_block(w2, w2)
        self.up = bn_block(w2, width)
        self.dec = bn_block(2 * width, width)
        self.head = nn.Conv2d(width, channels, 3, 1, 1, bias=False)

    def features(self, x):
        """The output and the decoder's firing rate (mean over T): the hint's student side."""
        T = self.T
        n, c, h, w = x.shape
        xt = x.unsqueeze(0).repeat(T, 1, 1, 1, 1).reshape(T * n, c, h, w)
        e = lif(self.enc(xt), T)
        d = lif(self.down(e), T)
        m = lif(self.mid(d), T)
        u = lif(self.up(F.interpolate(m, size=(h, w), mode="nearest")), T)
        dec = lif(self.dec(torch.cat([u, e], 1)), T)
        rate = dec.reshape(T, n, self.width, h, w).mean(0)
        return x + self.head(rate), rate

    def forward(self, x):
        return self.features(x)[0]


class DnCNNTeacher(nn.Module):
    """DnCNN-17 (64 channels, BN eps 1e-4 as restoration's), run up to its tap q4:
    the output of the last hidden layer, as @spikedistill/onnx exports a
    teacher whose output the strategy does not read."""

    def __init__(self, depth=17, width=64, channels=1):
        super().__init__()
        layers = [nn.Conv2d(channels, width, 3, 1, 1), nn.ReLU()]
        for _ in range(depth - 2):
            layers += [nn.Conv2d(width, width, 3, 1, 1, bias=False), nn.BatchNorm2d(width, eps=1e-4), nn.ReLU()]
        self.hidden = nn.Sequential(*layers)

    def forward(self, x):
        return self.hidden(x)


def hint_step_bench(a):
    """nets.mjs's hintStep: frozen teacher under no_grad, then an Adam step of
    the student on L1 + 0.12 * MSE(1x1 adapter of its decoder rate, q4)."""
    teacher = DnCNNTeacher().eval()
    for p in teacher.parameters():
        p.requires_grad_(False)
    student = SpikingUNet(16, 4).train()
    adapter = nn.Conv2d(16, 64, 1)
    opt = torch.optim.Adam(list(student.parameters()) + list(adapter.parameters()), lr=1e-3)
    clean = torch.rand(8, 1, 48, 48)
    noisy = clean + 0.1 * torch.randn_like(clean)
    losses = []
    teacher_ms = []

    def step():
        t0 = time.perf_counter()
        with torch.no_grad():
            tap = teacher(noisy)
        teacher_ms.append((time.perf_counter() - t0) * 1000)
        opt.zero_grad(set_to_none=True)
        out, rate = student.features(noisy)
        loss = F.l1_loss(out, clean) + 0.12 * F.mse_loss(adapter(rate), tap)
        loss.backward()
        opt.step()
        losses.append(loss.item())

    cpu = []
    times = timed(step, 3, a.reps, cpu)
    return {
        "ms": times,
        "cpuMs": cpu,
        "median": statistics.median(times),
        "teacherMs": teacher_ms[3:],
        "firstLoss": losses[0],
        "lastLoss": losses[-1],
    }


def timed(fn, warmup, reps, cpu=None):
    """Wall-clock ms per call; `cpu` collects this process's CPU ms too (all threads)."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(reps):
        c0 = time.process_time()
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - c0) * 1000)
    return times


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--reps", type=int, default=10)
    p.add_argument("--convReps", type=int, default=10)
    p.add_argument("--only", default=None)
    p.add_argument("--convCases", default="[]")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    result = {"engine": f"pytorch {torch.__version__}", "threads": torch.get_num_threads(), "steps": {}, "conv": []}

    clean = torch.rand(8, 1, 64, 64)
    noisy = clean + 0.1 * torch.randn_like(clean)
    for name, make, loss_name in [
        ("dncnn6", lambda: DnCNN(6, 32), "mse"),
        ("sunet-t4", lambda: SpikingUNet(16, 4), "l1"),
    ]:
        if a.only and name not in a.only.split(","):
            continue
        net = make().train()
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        loss_fn = F.mse_loss if loss_name == "mse" else F.l1_loss
        losses = []

        def step():
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(net(noisy), clean)
            loss.backward()
            opt.step()
            losses.append(loss.item())

        cpu = []
        times = timed(step, 3, a.reps, cpu)
        result["steps"][name] = {
            "ms": times,
            "cpuMs": cpu,
            "median": statistics.median(times),
            "firstLoss": losses[0],
            "lastLoss": losses[-1],
        }

    if not a.only or "hint" in a.only.split(","):
        result["steps"]["hint"] = hint_step_bench(a)

    for c in json.loads(a.convCases):
        n, h, w, cin = c["x"]
        x = torch.randn(n, cin, h, w)
        f = torch.randn(c["cout"], cin, 3, 3) * 0.1
        s = c["stride"]
        y = F.conv2d(x, f, stride=s, padding=1)
        dy = torch.randn_like(y)
        flops = 2 * y.shape[0] * y.shape[2] * y.shape[3] * c["cout"] * cin * 9

        def backward(mask):
            return torch.ops.aten.convolution_backward(dy, x, f, None, [s, s], [1, 1], [1, 1], False, [0, 0], 1, mask)

        passes = {
            "forward": lambda: F.conv2d(x, f, stride=s, padding=1),
            "dx": lambda: backward([True, False, False]),
            "dW": lambda: backward([False, True, False]),
        }
        row = {"name": c["name"], "flops": flops, "passes": {}}
        with torch.no_grad():
            for pname, run in passes.items():
                cpu = []
                times = timed(run, 2, a.convReps, cpu)
                med = statistics.median(times)
                row["passes"][pname] = {"median": med, "cpuMedian": statistics.median(cpu), "gflops": flops / med / 1e6}
        result["conv"].append(row)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
