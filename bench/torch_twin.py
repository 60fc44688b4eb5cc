"""PyTorch twin of museflow's benchmark models: same shapes, same loss, same optimizer.

Usage: torch_twin.py MODEL WINDOWS FRAMES FEATURES BATCH HIDDEN EPOCHS LONG_FRAMES
Prints: model seconds_per_epoch inference_seconds_for_one_long_video first_epoch_seconds
Threads come from OMP_NUM_THREADS (torch.set_num_threads is set from it too).
"""
import os
import sys
import time

import torch
from torch import nn

torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
torch.manual_seed(1)


def ccc_loss(pred, gold):
    pm, gm = pred.mean(), gold.mean()
    pv, gv = pred.var(unbiased=False), gold.var(unbiased=False)
    cov = ((pred - pm) * (gold - gm)).mean()
    return 1 - 2 * cov / (pv + gv + (pm - gm) ** 2)


class Stacked(nn.Module):
    def __init__(self, cell, features, hidden):
        super().__init__()
        rnn = nn.GRU if cell == "gru" else nn.LSTM
        self.rnn = rnn(features, hidden, num_layers=4, bidirectional=True, batch_first=True)
        self.out = nn.Linear(2 * hidden, 1)

    def forward(self, x):
        return self.out(self.rnn(x)[0])


class AttentionBiLstm(nn.Module):
    """Sun et al.: projection, LayerNorm(X + MHA(X)) with 4 heads, BiLSTM, per-frame linear."""

    def __init__(self, features, hidden):
        super().__init__()
        self.proj = nn.Linear(features, hidden)
        self.mha = nn.MultiheadAttention(hidden, 4, batch_first=True)
        self.norm = nn.LayerNorm(hidden)
        self.lstm = nn.LSTM(hidden, hidden, bidirectional=True, batch_first=True)
        self.out = nn.Linear(2 * hidden, 1)

    def forward(self, x):
        x = self.proj(x)
        # key_padding_mask of all False: same work as museflow's masked attention on full windows
        pad = torch.zeros(x.shape[0], x.shape[1], dtype=torch.bool)
        x = self.norm(x + self.mha(x, x, x, key_padding_mask=pad, need_weights=False)[0])
        return self.out(self.lstm(x)[0])


def main(model, windows, frames, features, batch, hidden, epochs, long_frames):
    if model == "attn-bilstm":
        net = AttentionBiLstm(features, hidden)
    else:
        net = Stacked("gru" if model == "bigru4" else "lstm", features, hidden)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    x = torch.rand(windows, frames, features)
    y = torch.rand(windows, frames, 1)

    def epoch():
        for i in range(0, windows, batch):
            opt.zero_grad()
            loss = ccc_loss(net(x[i:i + batch]).flatten(), y[i:i + batch].flatten())
            loss.backward()
            opt.step()

    # Warm-up epochs as on the Java side (WARMUP, default 3); the first one is reported.
    t0 = time.perf_counter()
    epoch()
    first = time.perf_counter() - t0
    for _ in range(int(os.environ.get("WARMUP", "3")) - 1):
        epoch()
    start = time.perf_counter()
    for _ in range(epochs):
        epoch()
    per_epoch = (time.perf_counter() - start) / epochs
    every_epoch = time.perf_counter() - t0  # warm-up and timed epochs: what a trial of that length pays
    video = torch.rand(1, long_frames, features)
    with torch.no_grad():
        net(video)
        t0 = time.perf_counter()
        net(video)
        inference = time.perf_counter() - t0
    print(f"{model} {per_epoch:.3f} {inference:.3f} {first:.3f} {every_epoch:.3f}")


if __name__ == "__main__":
    a = sys.argv[1:]
    main(a[0], *map(int, a[1:]))
