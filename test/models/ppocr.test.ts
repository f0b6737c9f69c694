// Real models no one here wrote: PaddleOCR's text recognizer (PP-OCRv4 rec) and direction classifier,
// run by our fp32 engine and by onnxruntime-node on the same inputs. Noise exercises every value range;
// the synthetic text page is what these models are for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noiseImage, ppocrDiff, ppocrPair, textImage, type PpocrPair } from '../helpers/ppocr.js';

const TOLERANCE = 1e-4;

describe.each([
  { model: 'rec' as const, sizes: [[48, 160], [48, 320], [48, 640]] },
  { model: 'cls' as const, sizes: [[48, 192]] },
])('PaddleOCR $model (fp32) against onnxruntime', ({ model, sizes }) => {
  let pair: PpocrPair;
  beforeAll(async () => {
    pair = await ppocrPair(model);
  });
  afterAll(async () => {
    pair?.engine.dispose();
    await pair?.session.release();
  });

  it.each(sizes)('noise %i×%i', async (h, w) => {
    for (const diff of Object.values(await ppocrDiff(pair, noiseImage(h!, w!, h! + w!)))) expect(diff).toBeLessThan(TOLERANCE);
  });

  it.each(sizes)('a page of text %i×%i', async (h, w) => {
    for (const diff of Object.values(await ppocrDiff(pair, textImage(h!, w!, 1)))) expect(diff).toBeLessThan(TOLERANCE);
  });
});
