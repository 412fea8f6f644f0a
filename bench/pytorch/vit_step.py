#!/usr/bin/python3
"""PyTorch peer of beit4j's benchmark steps (issue 14), a measuring tool only (not in CI).

Same models as org.beit4j.bench.StepProfile: pre-norm ViT with exact GELU, layer scale 0.1,
q/v biases, shared relative position bias, [CLS] token, no absolute positions.
  vit       ViT 28/4 D192 L6 h3 classifier, batch 64, cross-entropy, Adam
  mim-8192  ViT 32/4 D192 L6 h3 (1 channel), MIM head to 8192 codes + [CLS] branch (2 blocks
            from block round(0.75 L)), masked cross-entropy, AdamW
  mim-demo  ViT 28/4 D96 L4 h3, codebook 64, the same MIM + [CLS] step
Usage: vit_step.py CASE [--threads N] [--warmup 2] [--steps 5] [--profile] [--all-rows]
Prints the median ms/step; with --profile the top ops of torch.profiler over the timed steps.
"""
import argparse
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


MASKED_ROWS = True  # --all-rows turns it off


class RelPos(nn.Module):
    def __init__(self, grid, heads):
        super().__init__()
        span = 2 * grid - 1
        rows = span * span + 3
        self.table = nn.Parameter(torch.randn(rows, heads) * 0.02)
        t = 1 + grid * grid
        idx = torch.zeros(t, t, dtype=torch.long)
        for p in range(t):
            for q in range(t):
                if p == 0 and q == 0:
                    idx[p, q] = rows - 1
                elif p == 0:
                    idx[p, q] = rows - 3
                elif q == 0:
                    idx[p, q] = rows - 2
                else:
                    dy = (p - 1) // grid - (q - 1) // grid
                    dx = (p - 1) % grid - (q - 1) % grid
                    idx[p, q] = (dy + grid - 1) * span + (dx + grid - 1)
        self.register_buffer("idx", idx)

    def forward(self):
        t = self.idx.shape[0]
        return self.table[self.idx.view(-1)].view(t, t, -1).permute(2, 0, 1)  # [h, T, T]


class Block(nn.Module):
    def __init__(self, d, h, mlp=4.0, ls=0.1):
        super().__init__()
        self.h = h
        self.norm1 = nn.LayerNorm(d, eps=1e-6)
        self.qkv = nn.Linear(d, 3 * d, bias=False)
        self.qb = nn.Parameter(torch.zeros(d))
        self.vb = nn.Parameter(torch.zeros(d))
        self.proj = nn.Linear(d, d)
        self.ls1 = nn.Parameter(ls * torch.ones(d))
        self.norm2 = nn.LayerNorm(d, eps=1e-6)
        m = int(d * mlp)
        self.fc1 = nn.Linear(d, m)
        self.fc2 = nn.Linear(m, d)
        self.ls2 = nn.Parameter(ls * torch.ones(d))

    def forward(self, x, bias):
        b, t, d = x.shape
        hd = d // self.h
        y = self.norm1(x)
        qkv = F.linear(y, self.qkv.weight, torch.cat([self.qb, torch.zeros_like(self.qb), self.vb]))
        q, k, v = qkv.view(b, t, 3, self.h, hd).permute(2, 0, 3, 1, 4)
        a = (q @ k.transpose(-2, -1)) * hd ** -0.5 + bias
        o = (a.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d)
        x = x + self.ls1 * self.proj(o)
        x = x + self.ls2 * self.fc2(F.gelu(self.fc1(self.norm2(x))))
        return x


class Vit(nn.Module):
    def __init__(self, img, patch, ch, d, depth, h):
        super().__init__()
        self.grid = img // patch
        self.patch = nn.Conv2d(ch, d, patch, patch)
        self.cls = nn.Parameter(torch.randn(1, 1, d) * 0.02)
        self.mask_token = nn.Parameter(torch.randn(1, 1, d) * 0.02)
        self.rel = RelPos(self.grid, h)
        self.blocks = nn.ModuleList([Block(d, h) for _ in range(depth)])
        self.norm = nn.LayerNorm(d, eps=1e-6)

    def embed(self, images, mask=None):
        x = self.patch(images).flatten(2).transpose(1, 2)  # [B, N, D]
        if mask is not None:
            m = mask.unsqueeze(-1)
            x = x * (1 - m) + m * self.mask_token
        return torch.cat([self.cls.expand(x.shape[0], -1, -1), x], 1)


def classifier_case(threads):
    model = Vit(28, 4, 1, 192, 6, 3)
    head = nn.Linear(192, 10)
    params = list(model.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, 1e-4)
    images = torch.rand(64, 1, 28, 28)
    labels = torch.arange(64) % 10

    def step():
        x = model.embed(images)
        bias = model.rel()
        for blk in model.blocks:
            x = blk(x, bias)
        logits = head(model.norm(x)[:, 0])
        loss = F.cross_entropy(logits, labels)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    return step


def mim_case(img, d, depth, codebook):
    h = 3
    model = Vit(img, 4, 1, d, depth, h)
    n = model.grid ** 2
    layer = max(1, round(depth * 0.75))
    cls_blocks = nn.ModuleList([Block(d, h) for _ in range(2)])
    mim_head = nn.Linear(d, codebook)
    params = list(model.parameters()) + list(cls_blocks.parameters()) + list(mim_head.parameters())
    opt = torch.optim.AdamW(params, 1.5e-3, betas=(0.9, 0.98), weight_decay=0.05)
    images = torch.rand(64, 1, img, img)
    mask = (torch.rand(64, n) < 0.4).float()
    codes = torch.randint(0, codebook, (64, n))

    picked = mask.bool()

    def masked_ce(tokens, m):
        if MASKED_ROWS:  # as the official code: the head on the masked rows only
            return F.cross_entropy(mim_head(tokens[picked]), codes[picked])
        nll = F.cross_entropy(mim_head(tokens).reshape(-1, codebook), codes.reshape(-1), reduction="none")
        mm = m.reshape(-1)
        return (nll * mm).sum() / mm.sum()

    def step():
        x = model.embed(images, mask)
        bias = model.rel()
        outs = []
        for blk in model.blocks:
            x = blk(x, bias)
            outs.append(x)
        out = model.norm(x)
        loss = masked_ce(out[:, 1:], mask)
        s = torch.cat([x[:, :1], outs[layer - 1][:, 1:]], 1)
        for blk in cls_blocks:
            s = blk(s, bias)
        loss = loss + masked_ce(model.norm(s)[:, 1:], mask)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 3.0)
        opt.step()

    return step


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case", choices=["vit", "mim-8192", "mim-demo"])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument(
        "--all-rows",
        action="store_true",
        help="MIM heads on all B*N rows weighted by the mask (beit4j before issue 14), not masked rows",
    )
    a = ap.parse_args()
    global MASKED_ROWS
    MASKED_ROWS = not a.all_rows
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    step = {
        "vit": lambda: classifier_case(a.threads),
        "mim-8192": lambda: mim_case(32, 192, 6, 8192),
        "mim-demo": lambda: mim_case(28, 96, 4, 64),
    }[a.case]()
    for _ in range(a.warmup):
        step()
    times = []
    prof = None
    if a.profile:
        prof = torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU])
        prof.__enter__()
    for _ in range(a.steps):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    if prof is not None:
        prof.__exit__(None, None, None)
    print(f"{a.case} threads={a.threads}: median {statistics.median(times):.0f} ms/step "
          f"(each: {', '.join(f'{t:.0f}' for t in times)}); torch {torch.__version__}, "
          f"BLAS config: {'openmp' if 'OpenMP' in torch.__config__.parallel_info() else '?'}")
    if prof is not None:
        print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=20))


if __name__ == "__main__":
    main()
