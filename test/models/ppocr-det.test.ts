// PaddleOCR's text detector (PP-OCRv4 det: ConvTranspose, Resize and BatchNormalization on activations
// besides the convs) by our fp32 engine and by onnxruntime-node, at the sizes OCR pipelines feed it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noiseImage, ortSelfDiff, ppocrDiff, ppocrPair, textImage, type PpocrPair } from '../helpers/ppocr.js';

const TOLERANCE = 1e-4;
const SIZES = [[320, 320], [640, 640], [544, 960]];

describe('PaddleOCR det (fp32) against onnxruntime', () => {
  let pair: PpocrPair;
  beforeAll(async () => {
    pair = await ppocrPair('det');
  });
  afterAll(async () => {
    pair?.engine.dispose();
    await pair?.session.release();
  });

  // Noise holds no text: the probability map stays near 0 (max ~1e-3), so relative to its maximum even ORT
  // differs from itself (optimized vs not) by more than 1e-4. Ours must stay within that spread.
  it.each(SIZES)('noise %i×%i', async (h, w) => {
    const x = noiseImage(h!, w!, h! + w!);
    const bound = Math.max(TOLERANCE, 1.5 * (await ortSelfDiff('det', x)));
    for (const diff of Object.values(await ppocrDiff(pair, x))) expect(diff).toBeLessThan(bound);
  });

  it.each(SIZES)('a page of text %i×%i', async (h, w) => {
    for (const diff of Object.values(await ppocrDiff(pair, textImage(h!, w!, 1)))) expect(diff).toBeLessThan(TOLERANCE);
  });
});
