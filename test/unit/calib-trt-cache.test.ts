// TensorRT calibration cache text: the worked example of QUANTIZATION.md, version encodings, real
// cache shapes (names with ': ', '0' lines), exact round trips.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TENSORRT_VERSION, parseTensorRTVersion, readTensorRTCache, tensorRT10Version, tensorRT8Version,
  tensorRTVersion, writeTensorRTCache,
} from '../../lib/index.js';
import { rng } from '../helpers/random.js';

describe('TensorRT calibration cache', () => {
  it('reproduces the worked example: amax 1.0 <-> 3c010204', () => {
    const text = writeTensorRTCache({ version: 8601, algorithm: 'EntropyCalibration2', amax: new Map([['input', 1]]) });
    expect(text).toBe('TRT-8601-EntropyCalibration2\ninput: 3c010204\n');
    const cache = readTensorRTCache(text);
    expect(cache.amax.get('input')).toBe(1);
    expect(cache.version).toBe(8601);
    expect(cache.algorithm).toBe('EntropyCalibration2');
    // 3c010204 is float32(1/127)
    const dv = new DataView(new ArrayBuffer(4));
    dv.setUint32(0, 0x3c010204);
    expect(dv.getFloat32(0)).toBe(Math.fround(1 / 127));
  });

  it('encodes TensorRT 8 and 10 versions', () => {
    expect(tensorRT8Version(8, 6, 1)).toBe(8601);
    expect(tensorRT10Version(10, 3, 0)).toBe(100300);
    expect(tensorRTVersion(8, 6, 1)).toBe(8601);
    expect(tensorRTVersion(10, 3, 0)).toBe(100300);
    expect(tensorRTVersion(10, 12, 0)).toBe(101200);
    expect(tensorRTVersion(8, 5, 3, { format: 10 })).toBe(80503);
    expect(parseTensorRTVersion(8601)).toEqual({ major: 8, minor: 6, patch: 1 });
    expect(parseTensorRTVersion(100300)).toEqual({ major: 10, minor: 3, patch: 0 });
    expect(DEFAULT_TENSORRT_VERSION).toBe(100300);
    expect(writeTensorRTCache({ algorithm: 'MinMaxCalibration', amax: new Map([['x', 2]]) })).toMatch(/^TRT-100300-MinMaxCalibration\n/);
  });

  it('reads a real-shaped cache: names with colons, spaces and brackets, 0 lines, uppercase hex, CRLF', () => {
    const text = [
      'TRT-8401-EntropyCalibration2',
      'input: 3caa54fc',
      '(Unnamed Layer* 64) [Shuffle]_output: 0',
      'input_1:0: 3c010a14',
      'conv1/convolution:0: 3D0B7086',
      '',
    ].join('\r\n');
    const c = readTensorRTCache(text);
    expect(c.version).toBe(8401);
    expect([...c.amax.keys()]).toEqual(['input', '(Unnamed Layer* 64) [Shuffle]_output', 'input_1:0', 'conv1/convolution:0']);
    expect(c.amax.get('(Unnamed Layer* 64) [Shuffle]_output')).toBe(0);
    const out = writeTensorRTCache(c);
    expect(out).toBe(text.replace(/\r\n/g, '\n').replace('3D0B7086', '3d0b7086'));
  });

  it('writes 0 for amax 0 and keeps the map order', () => {
    const amax = new Map([['b', 0], ['a', 6.35], ['c', 127]]);
    const text = writeTensorRTCache({ version: 100300, algorithm: 'EntropyCalibration2', amax });
    expect(text).toBe('TRT-100300-EntropyCalibration2\nb: 0\na: 3d4ccccd\nc: 3f800000\n');
  });

  it('round-trips any cache text exactly (every positive finite float32 scale)', () => {
    const r = rng(7);
    const lines = ['TRT-100300-EntropyCalibration2'];
    for (let i = 0; i < 5000; i++) {
      const bits = 1 + Math.floor(r() * 0x7f7fffff); // (0, max finite]
      lines.push(`t${i}: ${bits.toString(16)}`);
    }
    lines.push('zero: 0');
    const text = lines.join('\n') + '\n';
    expect(writeTensorRTCache(readTensorRTCache(text))).toBe(text);
  });

  it('round-trips a cache object up to the float32 scale', () => {
    const r = rng(8);
    const amax = new Map<string, number>();
    for (let i = 0; i < 1000; i++) amax.set(`layer.${i}`, r() * 10 ** (r() * 8 - 4));
    const back = readTensorRTCache(writeTensorRTCache({ version: 8601, algorithm: 'EntropyCalibration2', amax }));
    for (const [name, v] of amax) {
      const w = back.amax.get(name)!;
      expect(Math.fround(w / 127)).toBe(Math.fround(v / 127));
      expect(Math.abs(w - v) / v).toBeLessThan(2 ** -23);
    }
    // and the object read back is a fixed point
    expect(readTensorRTCache(writeTensorRTCache(back)).amax).toEqual(back.amax);
  });

  it('accepts a plain record for amax', () => {
    expect(writeTensorRTCache({ version: 8601, algorithm: 'EntropyCalibration2', amax: { x: 1 } })).toBe(
      'TRT-8601-EntropyCalibration2\nx: 3c010204\n',
    );
  });
});
