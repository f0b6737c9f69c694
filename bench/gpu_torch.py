#!/usr/bin/env python3
"""The peer for bench/gpu.mjs: torch._int_mm (int8 -> int32, cuBLASLt) and half matmul (cuBLAS), timed the way
native/cuda/gemm_bench.cu times our kernels: warm-up, then CUDA events around each run, the L2 flushed
before each run (memset of max(64 MiB, 2 x L2)), median of the runs.

Usage: python3 bench/gpu_torch.py '<JSON list of {"m","n","k"}>' [iterations]
Prints one JSON object on stdout. Exit 2 with {"error": ...} when torch or a CUDA device is missing.
"""
import json
import statistics
import sys

try:
    import torch
except ImportError as e:
    print(json.dumps({"error": f"torch is not installed ({e})"}))
    sys.exit(2)

WARMUP_RUNS, WARMUP_MS = 10, 200.0


def time_ms(fn, iterations, flush):
    """Median ms of fn over `iterations` runs, each after an L2 flush (the flush is not timed)."""
    warm, done = 0.0, 0
    while done < WARMUP_RUNS or (warm < WARMUP_MS and done < 1000):
        start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        flush.zero_()
        start.record()
        fn()
        stop.record()
        stop.synchronize()
        warm += start.elapsed_time(stop)
        done += 1
    events = [(torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)) for _ in range(iterations)]
    for start, stop in events:  # queued back to back: the GPU never idles between runs
        flush.zero_()
        start.record()
        fn()
        stop.record()
    torch.cuda.synchronize()
    return statistics.median(start.elapsed_time(stop) for start, stop in events)


def check(c, a, b):
    """Exact check of a corner of C against a float64 reference (int8 products stay exact in float64)."""
    r = (a[:64].double() @ b[:, :64].double())
    got = c[:64, :64].double()
    if a.dtype == torch.int8:
        assert torch.equal(got, r), "torch._int_mm disagrees with the float64 reference"
    else:
        assert (got - r).abs().max().item() <= 1e-2 * r.abs().max().item(), "half matmul disagrees"


def bench_shape(m, n, k, iterations, flush):
    # B is [N, K] in memory, used as a column-major [K, N] view: the layout our benchmark gives our kernels.
    out = {"m": m, "n": n, "k": k}
    b8 = torch.randint(-127, 128, (n, k), dtype=torch.int8, device="cuda").t()
    peer_m = m
    while True:
        a8 = torch.randint(-127, 128, (peer_m, k), dtype=torch.int8, device="cuda")
        try:
            check(torch._int_mm(a8, b8), a8, b8)
            break
        except RuntimeError as e:  # _int_mm needs M > 16: time the smallest M it takes instead, and say so
            if peer_m >= 32:
                raise
            out["int8Note"] = f"torch._int_mm refused M={m} ({str(e).splitlines()[0]}); timed M=32"
            peer_m = 32
    out["int8PeerM"] = peer_m
    out["int8Ms"] = time_ms(lambda: torch._int_mm(a8, b8), iterations, flush)

    ah = torch.rand((m, k), dtype=torch.half, device="cuda") * 2 - 1
    bh = (torch.rand((n, k), dtype=torch.half, device="cuda") * 2 - 1).t()
    check(torch.matmul(ah, bh), ah, bh)
    out["fp16Ms"] = time_ms(lambda: torch.matmul(ah, bh), iterations, flush)
    return out


def main():
    if not torch.cuda.is_available():
        print(json.dumps({"error": "torch sees no CUDA device"}))
        return 2
    shapes = json.loads(sys.argv[1])
    iterations = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    props = torch.cuda.get_device_properties(0)
    l2 = getattr(props, "L2_cache_size", 50 << 20)
    flush_bytes = max(64 << 20, 2 * l2)
    flush = torch.empty(flush_bytes, dtype=torch.uint8, device="cuda")
    results = [bench_shape(s["m"], s["n"], s["k"], iterations, flush) for s in shapes]
    print(json.dumps({
        "device": props.name, "torch": torch.__version__, "cuda": torch.version.cuda,
        "iterations": iterations, "flushBytes": flush_bytes, "results": results,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
