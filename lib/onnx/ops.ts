/**
 * The ONNX ops (default domain) int8rt runs, each with the op versions (`since_version` in the ONNX
 * operator schemas) whose semantics it implements. A node is accepted when the version its model's
 * opset selects — the greatest since_version ≤ opset — is listed. The lists were checked against the
 * schemas of ONNX 1.23 (opsets 1 to 28); versions that no opset ≥ 7 selects are left out. Most newer
 * versions only widen type constraints (bfloat16, float8, int4 …): the types int8rt has no dtype for
 * are refused by the loader, per tensor, so those versions are listed. Where a listed version carries
 * an attribute value the kernels do not implement (Resize antialias, blocked QuantizeLinear …), the
 * engine refuses that node when it is built.
 */
export const OP_VERSIONS: Readonly<Record<string, readonly number[]>> = {
  Add: [7, 13, 14],
  Sub: [7, 13, 14],
  Mul: [7, 13, 14],
  Div: [7, 13, 14],
  Pow: [7, 12, 13, 15],
  Sqrt: [6, 13],
  Exp: [6, 13],
  Log: [6, 13],
  Neg: [6, 13],
  Abs: [6, 13],
  Erf: [9, 13],
  Tanh: [6, 13],
  Sigmoid: [6, 13],
  Relu: [6, 13, 14],
  LeakyRelu: [6, 16],
  PRelu: [7, 9, 16],
  Clip: [6, 11, 12, 13],
  HardSigmoid: [6, 22],
  HardSwish: [14, 22],
  Gelu: [20],
  Softmax: [1, 11, 13],
  LogSoftmax: [1, 11, 13],
  Conv: [1, 11, 22],
  ConvTranspose: [1, 11, 22],
  Gemm: [7, 9, 11, 13],
  MatMul: [1, 9, 13],
  BatchNormalization: [7, 9, 14, 15],
  LayerNormalization: [17],
  InstanceNormalization: [6, 22],
  LRN: [1, 13],
  MaxPool: [1, 8, 10, 11, 12, 22],
  AveragePool: [7, 10, 11, 19, 22],
  GlobalAveragePool: [1, 22],
  GlobalMaxPool: [1, 22],
  Resize: [10, 11, 13, 18, 19],
  Concat: [4, 11, 13],
  Split: [2, 11, 13, 18],
  Slice: [1, 10, 11, 13],
  Reshape: [5, 13, 14, 19, 21, 23, 24, 25],
  Flatten: [1, 9, 11, 13, 21, 23, 24, 25],
  Transpose: [1, 13, 21, 23, 24, 25],
  Squeeze: [1, 11, 13, 21, 23, 24, 25],
  Unsqueeze: [1, 11, 13, 21, 23, 24, 25],
  Shape: [1, 13, 15, 19, 21, 23, 24, 25],
  Cast: [6, 9, 13, 19, 21, 23, 24, 25, 28],
  Constant: [1, 9, 11, 12, 13, 19, 21, 23, 24, 25],
  ConstantOfShape: [9, 20, 21, 23, 24, 25],
  Gather: [1, 11, 13],
  Pad: [2, 11, 13, 18, 19, 21, 23, 24, 25],
  Identity: [1, 13, 14, 16, 19, 21, 23, 24, 25],
  Dropout: [7, 10, 12, 13, 22],
  Sum: [6, 8, 13],
  Mean: [6, 8, 13],
  Max: [6, 8, 12, 13],
  Min: [6, 8, 12, 13],
  ReduceMean: [1, 11, 13, 18],
  ReduceSum: [1, 11, 13],
  ReduceMax: [1, 11, 12, 13, 18, 20],
  Expand: [8, 13],
  Where: [9, 16],
  Equal: [7, 11, 13, 19],
  Tile: [6, 13],
  QuantizeLinear: [10, 13, 19, 21, 23, 24, 25, 28],
  DequantizeLinear: [10, 13, 19, 21, 23, 24, 25, 28],
};

export const SUPPORTED_OPS: ReadonlySet<string> = new Set(Object.keys(OP_VERSIONS));

/** Default-domain opsets a model may import: from 7 to the newest the lists above were checked against. */
export const MIN_OPSET = 7;
export const MAX_OPSET = 28;

/**
 * The version of `op` that `opset` selects, or undefined when int8rt does not implement it (an
 * unknown op, or a version not in OP_VERSIONS). Only meaningful for MIN_OPSET ≤ opset ≤ MAX_OPSET.
 */
export function implementedVersion(op: string, opset: number): number | undefined {
  const versions = OP_VERSIONS[op];
  if (!versions || opset < versions[0]!) return undefined;
  return versions.filter((v) => v <= opset).at(-1);
}
