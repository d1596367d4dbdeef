#!/usr/bin/env bash
# Issue 19, goal 6: the CUDA path's figures in one call on a machine with a GPU (the python3
# there holds a CUDA build of PyTorch). Run from the repository root; OUT names a folder for the
# log and a checkpoint (default /tmp/gpu_run). Each step is time-limited so one stuck step
# cannot take the rest with it; the most wanted figures come first.
set -u
OUT=${OUT:-/tmp/gpu_run}
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1
{
  date -u
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv
  python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda)"
  echo "## the trainer's epochs (vae-desktop train's loop), its CUDA-graph step and eager"
  timeout 180 python3 bench/device_throughput.py --epochs 3 --precision fp32 bf16
  echo "## the CLI on the GPU: train 2 epochs (auto precision), evaluate"
  timeout 90 python3 -m vae_desktop.cli train --epochs 2 --device cuda --out "$OUT/gpu.pt"
  timeout 60 python3 -m vae_desktop.cli eval "$OUT/gpu.pt" --device cuda --test-size 2000
  echo "## the step: eager against a CUDA graph, fp32, TF32, bf16"
  timeout 120 python3 bench/cuda_graph_step.py --steps 200
  echo "## captured steps beside other threads on the same GPU"
  timeout 120 python3 bench/cuda_graph_threads.py --epochs 2
  date -u
} 2>&1 | tee "$OUT/gpu_run.log"
