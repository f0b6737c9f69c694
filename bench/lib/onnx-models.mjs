// Tiny one-node ONNX models for the onnxruntime peer, built in memory with onnx-proto (opset 13).
// Dims are symbolic (M, K, N) so one session serves every shape.
import { createRequire } from 'node:module';

const { onnx } = createRequire(import.meta.url)('onnx-proto');
const T = onnx.TensorProto.DataType;

function input(name, elemType, dims) {
  return onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  });
}

function model(node, inputs, output, initializers = []) {
  const graph = onnx.GraphProto.create({ name: node.opType, node: [node], input: inputs, output: [output], initializer: initializers });
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({ irVersion: 8, producerName: 'int8rt-bench', opsetImport: [{ domain: '', version: 13 }], graph }),
  ).finish();
}

/** Y[M,N] = A[M,K] · B[K,N], float32. B is an input (not a constant), as in our gemm(): both sides pack it per call. */
export function matMulModel() {
  return model(
    onnx.NodeProto.create({ opType: 'MatMul', input: ['A', 'B'], output: ['Y'] }),
    [input('A', T.FLOAT, ['M', 'K']), input('B', T.FLOAT, ['K', 'N'])],
    input('Y', T.FLOAT, ['M', 'N']),
  );
}

/**
 * Y[M,N] int32 = (A - 128) · B with A uint8 and B int8: our int8 A shifted by +128 gives exactly our int8 product.
 * The zero point is a constant initializer so ORT can fold it into its u8s8 kernel.
 */
export function matMulIntegerModel() {
  const zp = onnx.TensorProto.create({ name: 'a_zero_point', dataType: T.UINT8, dims: [], rawData: Uint8Array.of(128) });
  return model(
    onnx.NodeProto.create({ opType: 'MatMulInteger', input: ['A', 'B', 'a_zero_point'], output: ['Y'] }),
    [input('A', T.UINT8, ['M', 'K']), input('B', T.INT8, ['K', 'N'])],
    input('Y', T.INT32, ['M', 'N']),
    [zp],
  );
}
