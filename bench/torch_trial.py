"""PyTorch twin of one museflow trial, for learning comparisons (bench/learning-parity).

Reads the arrays museflow's TrialExport wrote (the train windows and devel videos a trial uses,
built by the trial's own code path) and trial.json, builds the network museflow builds for those
settings (same layers, same options, same initialisation scheme), trains it with museflow's
schedule (Adam, learning rate halved after lr_patience epochs without improvement of the watched
value, floor min_lr; early stop after stop_patience epochs without a better devel CCC; the best
epoch's weights kept) and prints one JSON line: seed, best epoch, epochs run, devel CCC per target.

Usage: torch_trial.py EXPORT_DIR SEED
Threads: OMP_NUM_THREADS (torch.set_num_threads is set from it too).
"""
import json
import os
import sys
import time

import numpy as np
import torch
from torch import nn

torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))


def masked_ccc_loss(pred, gold, mask, reduction):
    """1 - CCC per target over unmasked frames; pred, gold, mask: [batch, T, targets] (mask 0/1);
    reduction: sequence (a CCC per sequence, averaged), batch (one over the flattened minibatch) or
    both (the mean of those two losses)."""
    if reduction == "both":
        return 0.5 * (masked_ccc_loss(pred, gold, mask, "sequence") + masked_ccc_loss(pred, gold, mask, "batch"))
    per_sequence = reduction == "sequence"
    losses = []
    for j in range(pred.shape[2]):
        p, y, m = pred[:, :, j], gold[:, :, j], mask[:, :, j]
        if not per_sequence:
            p, y, m = p.reshape(1, -1), y.reshape(1, -1), m.reshape(1, -1)
        n = m.sum(dim=1)
        used = n > 0
        if not used.any():
            continue
        p, y, m, n = p[used], y[used], m[used], n[used]
        pm = (p * m).sum(1) / n
        ym = (y * m).sum(1) / n
        a = (p - pm[:, None]) * m
        b = (y - ym[:, None]) * m
        num = 2 * (a * b).sum(1) / n
        den = (a * a).sum(1) / n + (b * b).sum(1) / n + (pm - ym) ** 2
        ccc = torch.where(den == 0, torch.ones_like(den), num / torch.where(den == 0, torch.ones_like(den), den))
        losses.append(1 - ccc.mean())
    return torch.stack(losses).mean() if losses else pred.sum() * 0


def masked_mean_loss(pred, gold, mask, kind):
    e = (pred - gold) * mask
    e = e * e if kind == "mse" else e.abs()
    n = mask.sum()
    return e.sum() / n if n > 0 else e.sum()


class MaskedBiRnn(nn.Module):
    """museflow's masked recurrent layer: each sequence runs (and reverses) within its own length."""

    def __init__(self, cell, inputs, hidden, bidirectional):
        super().__init__()
        rnn = nn.LSTM if cell == "lstm" else nn.GRU
        self.rnn = rnn(inputs, hidden, batch_first=True, bidirectional=bidirectional)
        self.cell = cell
        if cell == "lstm":
            # museflow's LSTM has one bias per gate (uniform in +-1/sqrt(H)); PyTorch adds two.
            with torch.no_grad():
                for name, param in self.rnn.named_parameters():
                    if name.startswith("bias_hh"):
                        param.zero_()

    def forward(self, x, lengths):
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.rnn(packed)
        return nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])[0]


class AttentionBlock(nn.Module):
    """LayerNorm(X + MHA(X)) with a key padding mask (eps 1e-5, as museflow's)."""

    def __init__(self, width, heads, init):
        super().__init__()
        self.mha = nn.MultiheadAttention(width, heads, batch_first=True)
        self.norm = nn.LayerNorm(width, eps=1e-5)
        if init == "xavier":
            with torch.no_grad():
                for w in self.mha.in_proj_weight.chunk(3, dim=0):
                    nn.init.xavier_uniform_(w)
                nn.init.xavier_uniform_(self.mha.out_proj.weight)

    def forward(self, x, pad):
        return self.norm(x + self.mha(x, x, x, key_padding_mask=pad, need_weights=False)[0])


def dense(inputs, outputs, init, zero_bias):
    layer = nn.Linear(inputs, outputs)
    with torch.no_grad():
        if init == "xavier":
            nn.init.xavier_normal_(layer.weight)  # DL4J's XAVIER is Gaussian
            layer.bias.zero_()
        elif zero_bias:
            layer.bias.zero_()
    return layer


class Net(nn.Module):
    def __init__(self, s):
        super().__init__()
        self.s = s
        drop = s["dropout"]
        self.drop = nn.Dropout(drop) if drop > 0 else nn.Identity()
        self.body = nn.ModuleList()
        width = s["inputs"]
        self.proj = None
        if s["model"] == "sun":
            if s["attention_layers"] > 0 and width != s["width"]:
                self.proj = nn.Linear(width, s["width"], bias=s["projection_bias"])
                with torch.no_grad():
                    if s["init"] == "xavier":
                        nn.init.xavier_uniform_(self.proj.weight)
                    if s["projection_bias"] and s["init"] == "xavier":
                        self.proj.bias.zero_()
                width = s["width"]
            for _ in range(s["attention_layers"]):
                self.body.append(AttentionBlock(width, s["heads"], s["init"]))
            for _ in range(s["lstm_layers"]):
                self.body.append(MaskedBiRnn("lstm", width, s["hidden"], True))
                width = 2 * s["hidden"]
        else:
            for _ in range(s["layers"]):
                self.body.append(MaskedBiRnn(s["cell"], width, s["hidden"], s["bidirectional"]))
                width = s["hidden"] * (2 if s["bidirectional"] else 1)
        k = len(s["targets"])
        if s["head"] > 0:
            self.head = dense(width, s["head"], s["init"], zero_bias=False)
            width = s["head"]
        else:
            self.head = None
        self.out = dense(width, k, s["init"], zero_bias=True)

    def forward(self, x, lengths):
        steps = x.shape[1]
        pad = torch.arange(steps)[None, :] >= lengths[:, None]
        first = True
        for layer in self.body:
            x = self.drop(x)  # DL4J drops each layer's input
            if first and self.proj is not None:
                x = self.proj(x)
            first = False
            x = layer(x, pad) if isinstance(layer, AttentionBlock) else layer(x, lengths)
            x = x.masked_fill(pad[:, :, None], 0.0)
        if self.head is not None:
            x = self.drop(torch.relu(self.head(x)))
        return self.out(x)


def devel_ccc(net, x, y, lengths):
    net.eval()
    preds = []
    with torch.no_grad():
        at = 0
        for n in lengths:
            seq = torch.from_numpy(x[at:at + n])[None]
            preds.append(net(seq, torch.tensor([n]))[0].numpy())
            at += n
    net.train()
    p = np.concatenate(preds).astype(np.float64)
    out = []
    for j in range(y.shape[1]):
        keep = ~np.isnan(y[:, j])
        a, b = p[keep, j], y[keep, j].astype(np.float64)
        cov = ((a - a.mean()) * (b - b.mean())).mean()
        out.append(2 * cov / (a.var() + b.var() + (a.mean() - b.mean()) ** 2))
    return out


def main(folder, seed):
    s = json.load(open(os.path.join(folder, "trial.json")))
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    tx = torch.from_numpy(np.load(os.path.join(folder, "train_x.npy")))
    ty_np = np.load(os.path.join(folder, "train_y.npy"))
    tl = torch.from_numpy(np.load(os.path.join(folder, "train_len.npy")).astype(np.int64))
    tmask = torch.from_numpy((~np.isnan(ty_np)).astype(np.float32))
    ty = torch.from_numpy(np.nan_to_num(ty_np, nan=0.0))
    dx = np.load(os.path.join(folder, "devel_x.npy"))
    dy = np.load(os.path.join(folder, "devel_y.npy"))
    dl = [int(n) for n in np.load(os.path.join(folder, "devel_len.npy"))]
    net = Net(s)
    lr = s["learning_rate"]
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    best_watch, since_watch = float("inf"), 0
    best_score, best_epoch, since_best, best_ccc = -float("inf"), 0, 0, None
    best_state = {k: v.clone() for k, v in net.state_dict().items()}
    start = time.perf_counter()
    epoch = 0
    while epoch < s["max_epochs"] and since_best < s["stop_patience"]:
        epoch += 1
        order = rng.permutation(len(tl))
        losses = []
        for i in range(0, len(order), s["batch_size"]):
            idx = torch.from_numpy(order[i:i + s["batch_size"]])
            steps = int(tl[idx].max())
            xb, yb, mb, lb = tx[idx, :steps], ty[idx, :steps], tmask[idx, :steps], tl[idx]
            opt.zero_grad()
            pred = net(xb, lb)
            if s["loss"] == "ccc":
                loss = masked_ccc_loss(pred, yb, mb, s["ccc_reduction"])
            else:
                loss = masked_mean_loss(pred, yb, mb, s["loss"])
            loss.backward()
            opt.step()
            losses.append(loss.item())
        train_loss = float(np.mean(losses))
        ccc = devel_ccc(net, dx, dy, dl)
        score = float(np.mean(ccc))
        if score > best_score:
            best_score, best_epoch, since_best, best_ccc = score, epoch, 0, ccc
            best_state = {k: v.clone() for k, v in net.state_dict().items()}
        else:
            since_best += 1
        watched = train_loss if s["plateau"] == "train_loss" else 1 - score
        if watched < best_watch:
            best_watch, since_watch = watched, 0
        else:
            since_watch += 1
            if since_watch >= s["lr_patience"] and lr > s["min_lr"]:
                lr = max(s["min_lr"], lr / 2)
                for g in opt.param_groups:
                    g["lr"] = lr
                since_watch = 0
    net.load_state_dict(best_state)
    print(json.dumps({"seed": seed, "best_epoch": best_epoch, "epochs": epoch,
                      "devel_ccc": [round(c, 6) for c in best_ccc],
                      "seconds": round(time.perf_counter() - start, 1)}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
