/**
 * The ONNX backend node test cases int8rt's fp32 engine does not pass although every op in them is
 * one int8rt lists (lib/onnx/ops.ts) — each with the reason. test/unit/conformance.test.ts fails when
 * a case outside this list fails, and when a case in it passes (so the list stays true).
 * An entry matches case names exactly, or by pattern.
 */
export interface ConformanceException {
  match: string | RegExp;
  reason: string;
}

export const CONFORMANCE_EXCEPTIONS: readonly ConformanceException[] = [
  // Element types int8rt has no dtype for: the loader refuses the model (ERR_DTYPE), by design.
  { match: /^test_cast(like)?_(no_saturate_|e8m0_)?\w*(FLOAT8E|FLOAT4E2M1|U?INT[24]_|U?INT[24]$|U?INT[24]_expanded)/, reason: 'float8 / float4 / int4 / int2 tensors: no int8rt dtype' },
  { match: /^test_(de)?quantizelinear_(e4m3fn|e5m2|float4e2m1|u?int[24])/, reason: 'float8 / float4 / int4 / int2 tensors: no int8rt dtype' },
  { match: /^test_equal_string/, reason: 'string tensors: no int8rt dtype' },
  { match: /^test_identity_(opt|sequence)$/, reason: 'optional and sequence values: int8rt handles tensors only' },
  // Integer and float16 compute int8rt's fp32 engine does not do (it computes float32; integers only for shape arithmetic).
  { match: /^test_pow_types_int/, reason: 'Pow on an integer base: float32 base only' },
  { match: /^test_clip_default_int8_(inbounds|max|min)$/, reason: 'Clip on int8: float32 only' },
  { match: /^test_maxpool_2d_uint8$/, reason: 'MaxPool on uint8: float32 only' },
  { match: /^test_(max|min)_float16$/, reason: 'Max/Min on float16: float16 is a storage type in the fp32 engine' },
  { match: 'test_flexattention_fp16_expanded_ver26', reason: 'float16 arithmetic: float16 is a storage type in the fp32 engine' },
  { match: /^test_quantizelinear_u?int16$/, reason: 'QuantizeLinear to 16-bit integers: int8/uint8 only' },
  // Features not implemented.
  { match: /^test_(averagepool|maxpool)_3d_/, reason: '3-D pooling: 1-D and 2-D only' },
  { match: /^test_maxpool_with_argmax_/, reason: 'MaxPool Indices output not implemented' },
  { match: /^test_(de)?quantizelinear_blocked/, reason: 'blocked (de)quantization (opset 21 block_size) not implemented' },
  { match: /^test_resize_\w*(cubic|antialias)/, reason: 'Resize cubic mode and antialias not implemented (nearest and linear are)' },
  { match: /^test_(batchnorm_\w+_training_mode|training_dropout)/, reason: 'training mode (batch statistics, random masks): inference only' },
  { match: /^test_center_crop_pad_\w+_expanded$/, reason: 'Pad whose pads are computed from data (Max/Neg chains the shape-value propagation does not follow yet)' },
  // A real gap in an existing kernel, kept visible here until fixed.
  { match: 'test_averagepool_2d_dilations', reason: 'BUG: AveragePool with dilations computes the output dims without the dilation (pool.cpp / window.h)' },
];

export function exceptionFor(name: string): ConformanceException | undefined {
  return CONFORMANCE_EXCEPTIONS.find((e) => (typeof e.match === 'string' ? e.match === name : e.match.test(name)));
}
