#!/usr/bin/python3
"""PyTorch twin of one KeypointGAN training step (benchmark reference only, never a runtime
dependency of the project).

The same networks (Φ, η, Ψ, D, D_B), renderer β, losses and G → D → η update order as
keypointgan/model/trainer.ts, at the sizes of a JSON written by bench/twin/config.ts (which takes
them from keypointgan/tiers.ts and the TrainerConfig bench/tier_step.ts times), float32, NCHW
or channels_last, on `--threads` threads. Nothing about the tier is written here: widths, image
size, batch, D's depth and scales, loss weights and Adam's settings all come from the JSON.

    /usr/bin/python3 bench/twin/twin.py --config cfg.json --variant keypointgan --steps 6
    /usr/bin/python3 bench/twin/twin.py --config cfg.json --counts      # parameters per network

Prints one JSON line: {"variant", "torch", "threads", "stepSeconds": [...], "parameters"}.
"""
import argparse
import json
import math
import random
import sys
import time

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError:  # the caller reports how to install it
    print(json.dumps({"error": "no torch: apt-get install -y python3-torch (Debian), run with /usr/bin/python3"}))
    sys.exit(3)


def ch(width, c):
    """Channels of an official width c under multiplier `width` (JS Math.round, at least 1)."""
    return max(1, int(math.floor(c * width + 0.5)))


def conv(k, cin, cout, bias, stride=1, pad=None):
    return nn.Conv2d(cin, cout, k, stride, (k - 1) // 2 if pad is None else pad, bias=bias)


class ConvBnRelu(nn.Module):
    """conv (no bias) → BatchNorm → ReLU, PyTorch padding (k−1)/2."""

    def __init__(self, k, cin, cout, stride=1):
        super().__init__()
        self.conv = conv(k, cin, cout, False, stride)
        self.bn = nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


# [kernel, stride, official out channels] of the encoder's eight conv-norm-ReLU layers.
ENC_LAYERS = [(7, 1, 32), (3, 1, 32), (3, 2, 64), (3, 1, 64), (3, 2, 128), (3, 1, 128),
              (3, 2, 256), (3, 1, 256)]


class Encoder(nn.Module):
    """NipsEncoder (keypointgan/model/encoder.ts): BatchNorm layers have no conv bias."""

    def __init__(self, width, cin, cout, norm):
        super().__init__()
        self.norm = norm
        self.convs, self.bns = nn.ModuleList(), nn.ModuleList()
        c = cin
        for k, s, co in ENC_LAYERS:
            o = ch(width, co)
            self.convs.append(conv(k, c, o, norm == "instance", s))
            if norm == "batch":
                self.bns.append(nn.BatchNorm2d(o, eps=1e-5, momentum=0.1))
            c = o
        self.out = conv(1, c, cout, norm == "instance")

    def forward(self, x):
        h = x
        for i, cv in enumerate(self.convs):
            h = cv(h)
            h = self.bns[i](h) if self.norm == "batch" else F.instance_norm(h, eps=1e-5)
            h = F.relu(h)
        return self.out(h)


def up2(x):
    return F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)


class PoseEncoder(nn.Module):
    """Φ, SkipNipsGenerator (networks.ts): U-Net with BatchNorm, 3 → 1 channel."""

    def __init__(self, w):
        super().__init__()
        enc = [(3, 32), (32, 64), (64, 128), (128, 256)]
        self.enc_a = nn.ModuleList(
            [ConvBnRelu(7 if i == 0 else 3, 3 if i == 0 else ch(w, ci), ch(w, co), 1 if i == 0 else 2)
             for i, (ci, co) in enumerate(enc)])
        self.enc_b = nn.ModuleList([ConvBnRelu(3, ch(w, co), ch(w, co)) for _, co in enc])
        self.proj = conv(1, ch(w, 256), ch(w, 256), False)
        self.dec0a = ConvBnRelu(3, ch(w, 256), ch(w, 256))
        self.dec0b = ConvBnRelu(3, ch(w, 256), ch(w, 256))
        dec = [(256, 128, 128), (128, 64, 64), (64, 32, 32)]
        self.dproj = nn.ModuleList([conv(1, ch(w, cu) + ch(w, cs), ch(w, cu), False) for cu, cs, _ in dec])
        self.da = nn.ModuleList([ConvBnRelu(3, ch(w, cu), ch(w, co)) for cu, _, co in dec])
        self.db = nn.ModuleList([ConvBnRelu(3, ch(w, co), ch(w, co)) for _, _, co in dec[:2]])
        self.out = conv(3, ch(w, 32), 1, True)

    def forward(self, x):
        skips, h = [], x
        for a, b in zip(self.enc_a, self.enc_b):
            h = b(a(h))
            skips.append(h)
        h = self.proj(h)
        h = up2(self.dec0b(self.dec0a(h)))
        for i in range(3):
            h = self.da[i](self.dproj[i](torch.cat([h, skips[2 - i]], 1)))
            if i < 2:
                h = up2(self.db[i](h))
        return self.out(h)


class Decoder(nn.Module):
    """Ψ, CondNipsGenerator: skeleton encoder (+ appearance encoder) → decoder."""

    def __init__(self, w, conditional, appearance_pool="spatial"):
        super().__init__()
        if appearance_pool not in ("spatial", "global"):
            raise SystemExit(f"twin: unknown appearancePool {appearance_pool}")
        self.global_pool = appearance_pool == "global"
        self.pose = Encoder(w, 1, ch(w, 256), "batch")
        self.app = Encoder(w, 3, ch(w, 256), "batch") if conditional else None
        c = ch(w, 256) * (2 if conditional else 1)
        self.a, self.b = nn.ModuleList(), nn.ModuleList()
        for a, b in [(256, 256), (128, 128), (64, 64), (32, 0)]:
            self.a.append(ConvBnRelu(3, c, ch(w, a)))
            if b > 0:
                self.b.append(ConvBnRelu(3, ch(w, a), ch(w, b)))
            c = ch(w, b or a)
        self.out = conv(3, ch(w, 32), 3, True)

    def forward(self, skeleton, appearance):
        h = self.pose(skeleton)
        if self.app is not None:
            a = self.app(appearance)
            if self.global_pool:  # avg_pool_style: one appearance vector per image, tiled back
                a = a.mean((2, 3), keepdim=True).expand_as(a)
            h = torch.cat([h, a], 1)
        for i in range(4):
            h = self.a[i](h)
            if i < 3:
                h = up2(self.b[i](h))
        return self.out(h)


class PatchGan(nn.Module):
    """NLayerDiscriminator: 4×4 convs, padding 1, InstanceNorm, LeakyReLU 0.2."""

    def __init__(self, w, cin, n_layers):
        super().__init__()
        ndf, c = ch(w, 64), cin
        self.convs = nn.ModuleList()
        for n in range(n_layers + 1):
            o = ndf * min(2 ** n, 8)
            self.convs.append(conv(4, c, o, True, 2 if n < n_layers else 1, 1))
            c = o
        self.out = conv(4, c, 1, True, 1, 1)

    def forward(self, x):
        h = F.leaky_relu(self.convs[0](x), 0.2)
        for cv in self.convs[1:]:
            h = F.leaky_relu(F.instance_norm(cv(h), eps=1e-5), 0.2)
        return self.out(h)


class Discriminator(nn.Module):
    """D: independent PatchGANs on the skeleton image downsampled by 2^s (no anti-aliasing)."""

    def __init__(self, w, scales, n_layers):
        super().__init__()
        self.scales = nn.ModuleList([PatchGan(w, 1, n_layers) for _ in range(scales)])

    def forward(self, y):
        out = []
        for s, d in enumerate(self.scales):
            ys = y if s == 0 else F.interpolate(y, scale_factor=1 / 2 ** s, mode="bilinear",
                                                align_corners=False)
            out.append(d(ys))
        return out


def soft_argmax(hm):
    """Marginal soft-argmax of [B, K, H, W] heatmaps → [B, K, 2] (x, y) in [−1, 1]."""
    _, _, h, w = hm.shape
    x = (F.softmax(hm.mean(2), -1) * torch.linspace(-1, 1, w)).sum(-1)
    y = (F.softmax(hm.mean(3), -1) * torch.linspace(-1, 1, h)).sum(-1)
    return torch.stack([x, y], -1)


class Renderer:
    """β (render.ts): distance to each edge segment, exp(−d/σ²), max over edges, 2v − 1."""

    def __init__(self, edges, size, sigma, distance, memory_format):
        self.ia = torch.tensor([a for a, _ in edges])
        self.ib = torch.tensor([b for _, b in edges])
        self.grid = torch.linspace(-1, 1, size)
        self.inv = 1 / (sigma * sigma)
        self.linear = distance == "linear"
        self.mf = memory_format

    def __call__(self, p):
        pa, pb = p[:, self.ia], p[:, self.ib]  # [B, E, 2]
        d = pb - pa
        ax, ay = pa[..., 0, None, None], pa[..., 1, None, None]  # [B, E, 1, 1]
        dx, dy = d[..., 0, None, None], d[..., 1, None, None]
        rx = self.grid.view(1, 1, 1, -1) - ax  # [B, E, 1, S]
        ry = self.grid.view(1, 1, -1, 1) - ay  # [B, E, S, 1]
        len2 = torch.clamp(dx * dx + dy * dy, min=1e-6)
        t = torch.clamp((rx * dx + ry * dy) / len2, 0, 1)
        ex, ey = rx - t * dx, ry - t * dy
        d2 = ex * ex + ey * ey
        arg = torch.sqrt(d2 + 1e-6) if self.linear else d2
        v = torch.exp(arg * -self.inv).max(1, keepdim=True).values  # [B, 1, S, S]
        return (v * 2 - 1).contiguous(memory_format=self.mf)


class FakePool:
    """CycleGAN's ImagePool."""

    def __init__(self, size, rng):
        self.size, self.images, self.rng = size, [], rng

    def query(self, batch):
        if self.size <= 0:
            return batch.detach()
        out = []
        for img in batch.detach():
            if len(self.images) < self.size:
                self.images.append(img.clone())
                out.append(img)
            elif self.rng.random() > 0.5:
                j = self.rng.randrange(self.size)
                out.append(self.images[j])
                self.images[j] = img.clone()
            else:
                out.append(img)
        return torch.stack(out)


class PixelPyramid:
    """The `pixels` perceptual features: ImageNet-centred RGB and its average-pooled copies."""

    def __init__(self, layers):
        self.factors = []
        for name in layers:
            if not name.startswith("pool"):
                raise SystemExit(f"twin: unknown pixel-pyramid layer {name}")
            self.factors.append(int(name[4:]))
        self.mean = torch.tensor([123.68, 116.779, 103.939]).view(1, 3, 1, 1)

    def __call__(self, x):
        p = (x + 1) * 127.5 - self.mean
        return [p if f == 1 else F.avg_pool2d(p, f, f) for f in self.factors]


def lsgan(outs, target):
    return sum(F.mse_loss(o, torch.full_like(o, target)) for o in outs) / len(outs)


def set_grad(modules, on):
    for m in modules:
        if m is not None:
            for p in m.parameters():
                p.requires_grad_(on)


def count(m):
    return 0 if m is None else sum(p.numel() for p in m.parameters() if p.requires_grad)


class Twin:
    """The networks, optimisers and one training iteration of a variant."""

    def __init__(self, vc, memory_format):
        t = vc["trainer"]
        a, self.flags, self.w = t["arch"], t["flags"], t["weights"]
        if t["reconstruction"] != "perceptual" or vc["features"]["id"] != "pixels":
            raise SystemExit("twin: only the perceptual loss on `pixels` features is implemented")
        self.mf, self.batch, self.size, self.k = memory_format, vc["batch"], a["imageSize"], a["numPoints"]
        width, eta_width = a["width"], a.get("etaWidth") or a["width"]
        self.phi = PoseEncoder(width)
        self.eta = Encoder(eta_width, 1, a["numPoints"], "instance")
        self.psi = Decoder(width, a["conditional"], a.get("appearancePool", "spatial"))
        self.d = Discriminator(width, a["dScales"], a["dLayers"])
        self.db = PatchGan(width, 3, a["dLayers"]) if a["imageDiscriminator"] else None
        for m in self.nets().values():
            if m is not None:
                m.to(memory_format=memory_format).train()
        r = t["render"]
        self.render = Renderer(t["edges"], self.size, r["sigma"], r["distance"], memory_format)
        self.features = PixelPyramid(vc["features"]["layers"])
        self.mu, self.ema = t["emaMu"], None
        ad = t["adam"]
        self.clip = ad["clip"]

        def adam(*ms):
            ps = [p for m in ms if m is not None for p in m.parameters()]
            return torch.optim.Adam(ps, lr=ad["lr"], betas=(ad["beta1"], ad["beta2"]), eps=ad["eps"]), ps

        if self.flags["supervised"]:
            self.opts = {"sup": adam(self.phi, self.eta)}
        else:
            self.opts = {"g": adam(self.phi, self.psi), "d": adam(self.d, self.db), "eta": adam(self.eta)}
        rng = random.Random(t["seed"])
        self.pool_a, self.pool_b = FakePool(t["poolSize"], rng), FakePool(t["poolSize"], rng)
        self.finetune = t["finetuneEta"]
        self.equi = t.get("equivariance") or 0
        self.warps = vc.get("equivarianceWarps")
        self.warp_rng = torch.Generator().manual_seed(t["seed"])
        # The moving average of Φ, η, Ψ (keypointgan/model/weight_average.ts), BN statistics included.
        self.avg_decay = t.get("weightAverage") or 0
        self.avg_iter = 0
        if self.avg_decay > 0:
            live = [v for m in (self.phi, self.eta, self.psi) if m is not None
                    for v in list(m.parameters()) + list(m.buffers()) if v.is_floating_point()]
            self.avg_live, self.avg_shadow = live, [v.detach().clone() for v in live]

    def nets(self):
        return {"phi": self.phi, "eta": self.eta, "psi": self.psi, "d": self.d, "db": self.db}

    def keypoints(self, y):
        return soft_argmax(self.eta(y))

    def rec(self, x_hat, x):
        fa, fb = self.features(x_hat), self.features(x)
        terms = [F.mse_loss(a, b) for a, b in zip(fa, fb)]
        values = [t.item() for t in terms]
        self.ema = values if self.ema is None else [self.mu * e + (1 - self.mu) * v for e, v in zip(self.ema, values)]
        return sum(t / e for t, e in zip(terms, self.ema)) / len(terms)

    def equivariance(self, x, k):
        """‖η(Φ(T x)) − T(k)‖² under random similarity warps T, as keypointgan/model/equivariance.ts
        (the ranges come from the config; black outside the frame)."""
        n, g, r = x.shape[0], self.warp_rng, self.warps
        u = lambda v: (torch.rand(n, generator=g) * 2 - 1) * v
        th, s = u(r["rotation"]), 1 + u(r["scale"])
        a = torch.stack([torch.stack([s * th.cos(), -s * th.sin()], 1),
                         torch.stack([s * th.sin(), s * th.cos()], 1)], 1)  # [n, 2, 2]
        t = torch.stack([u(r["shift"]), u(r["shift"])], 1)  # [n, 2]
        # grid_sample maps output to input coordinates: T⁻¹ = (A⁻¹, −A⁻¹ t).
        ai = torch.linalg.inv(a)
        theta = torch.cat([ai, -(ai @ t.unsqueeze(2))], 2)  # [n, 2, 3]
        grid = F.affine_grid(theta, list(x.shape), align_corners=True)
        xw = F.grid_sample(x + 1, grid, align_corners=True) - 1
        kw = self.keypoints(self.phi(xw.contiguous(memory_format=self.mf)))
        return F.mse_loss(kw, k @ a.transpose(1, 2) + t.unsqueeze(1))

    def update(self, name, loss):
        opt, params = self.opts[name]
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if self.clip > 0:
            torch.nn.utils.clip_grad_norm_([p for p in params if p.grad is not None], self.clip)
        opt.step()
        return loss.item()

    def step(self, b):
        out = self.iterate(b)
        if self.avg_decay > 0:
            self.avg_iter += 1
            d = min(self.avg_decay, (1 + self.avg_iter) / (10 + self.avg_iter))
            with torch.no_grad():
                torch._foreach_lerp_(self.avg_shadow, self.avg_live, 1 - d)
        return out

    def iterate(self, b):
        x, xc, prior = b["x"], b["xCond"], b["prior"]
        if self.flags["supervised"]:
            return {"sup": self.update("sup", F.mse_loss(self.keypoints(self.phi(x)), b["keypoints"]))}
        f, w, out = self.flags, self.w, {}
        cond = xc if f["conditional"] else None
        y_bar = self.render(prior)
        # G: Φ and Ψ (η and the discriminators pass gradients through but are not updated).
        set_grad([self.eta, self.d, self.db], False)
        y = self.phi(x)
        psi_in = self.render(self.keypoints(y)) if f["bottleneck"] else y
        x_hat = self.psi(psi_in, cond)
        g_adv, g_rec = lsgan(self.d(y), 1), self.rec(x_hat, x)
        total = w["adv"] * g_adv + w["rec"] * g_rec
        if self.equi > 0:
            total = total + self.equi * self.equivariance(x, self.keypoints(y))
        x_tilde = None
        if f["secondCycle"] != "none":
            x_tilde = self.psi(y_bar, cond)
            y_tilde = self.phi(x_tilde)
            if f["secondCycle"] == "bottleneck":
                y_tilde = self.render(self.keypoints(y_tilde))
            g_cycle = F.l1_loss(y_tilde, y_bar)
            g_adv_image = lsgan([self.db(x_tilde)], 1)
            total = total + w["cycle"] * g_cycle + w["advImage"] * g_adv_image
        out["g_total"] = self.update("g", total)
        # D (and D_B) on the prior skeletons / real images vs the pooled fakes.
        set_grad([self.d, self.db], True)
        fake_y = self.pool_a.query(y)
        fake_x = self.pool_b.query(x_tilde) if x_tilde is not None else None
        d = 0.5 * (lsgan(self.d(y_bar), 1) + lsgan(self.d(fake_y), 0))
        if fake_x is not None:
            d = d + 0.5 * (lsgan([self.db(x)], 1) + lsgan([self.db(fake_x)], 0))
        out["d"] = self.update("d", d)
        # η fine-tuning on β(p̄) → p̄ and β(η(y)) ≈ y (y detached).
        set_grad([self.eta], True)
        if self.finetune:
            yd = y.detach()
            eta_real = F.mse_loss(self.keypoints(y_bar), prior)
            eta_fake = F.mse_loss(self.render(self.keypoints(yd)), yd)
            out["eta"] = self.update("eta", w["etaReal"] * eta_real + w["etaFake"] * eta_fake)
        return out

    def random_batch(self, gen):
        s, n, k = self.size, self.batch, self.k
        img = lambda: (torch.rand(n, 3, s, s, generator=gen) * 2 - 1).contiguous(memory_format=self.mf)
        kp = lambda: torch.rand(n, k, 2, generator=gen) * 1.6 - 0.8
        b = {"x": img(), "xCond": img(), "prior": kp()}
        if self.flags["supervised"]:
            b["keypoints"] = kp()
        return b


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--config", required=True, help="JSON from bench/twin/config.ts")
    ap.add_argument("--variant", default="keypointgan")
    ap.add_argument("--steps", type=int, default=6)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-seconds", type=float, default=0,
                    help="stop after this many seconds of steps (at least 2 steps; 0 = no limit)")
    ap.add_argument("--layout", choices=["cl", "nchw"], default="cl", help="channels_last or NCHW")
    ap.add_argument("--counts", action="store_true", help="print parameters per network and variant, no steps")
    o = ap.parse_args()
    torch.set_num_threads(o.threads)
    torch.manual_seed(0)
    cfg = json.load(open(o.config))
    mf = torch.channels_last if o.layout == "cl" else torch.contiguous_format
    if o.counts:
        counts = {v: {n: count(m) for n, m in Twin(vc, mf).nets().items()} for v, vc in cfg["variants"].items()}
        print(json.dumps({"torch": torch.__version__, "parameters": counts}))
        return
    twin = Twin(cfg["variants"][o.variant], mf)
    gen = torch.Generator().manual_seed(1)
    times = []
    for i in range(o.steps):
        if o.max_seconds > 0 and i >= 2 and sum(times) > o.max_seconds:
            break
        b = twin.random_batch(gen)
        t0 = time.perf_counter()
        losses = twin.step(b)
        times.append(time.perf_counter() - t0)
        bad = [k for k, v in losses.items() if not math.isfinite(v)]
        if bad:
            raise SystemExit(f"twin: loss {bad[0]} is not finite")
    print(json.dumps({"variant": o.variant, "torch": torch.__version__, "threads": torch.get_num_threads(),
                      "layout": o.layout, "stepSeconds": times,
                      "parameters": {n: count(m) for n, m in twin.nets().items()}}))


if __name__ == "__main__":
    main()
