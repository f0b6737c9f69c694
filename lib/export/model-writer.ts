/**
 * Model IR → ONNX ModelProto bytes: nodes in the IR's (topological) order, initializers as raw
 * little-endian data, value_info for the graph inputs and outputs. Intermediate value_info is left
 * out: readers infer it, and a stale entry would make them refuse the model.
 */
import type { onnx as O } from 'onnx-proto';
import { ONNX_OF_DTYPE } from '../onnx/dtypes.js';
import type { Model, TensorInfo } from '../onnx/ir.js';
import { onnx } from '../onnx/proto.js';
import { attributesToProto } from './attribute-writer.js';
import { tensorToProto } from './tensor-writer.js';

/** The lowest IR version that carries each opset (onnx/helper.py's VERSION_TABLE). */
function irVersionFor(opset: number): number {
  if (opset <= 8) return 3;
  if (opset <= 10) return 5;
  if (opset <= 11) return 6;
  if (opset <= 14) return 7;
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  if (opset <= 22) return 10;
  if (opset <= 23) return 11;
  return opset <= 24 ? 12 : 13;
}

export function modelToProto(model: Model, graphName = 'int8rt'): O.ModelProto {
  return onnx.ModelProto.create({
    irVersion: irVersionFor(model.opset),
    producerName: 'int8rt',
    opsetImport: [{ domain: '', version: model.opset }],
    graph: {
      name: graphName,
      node: model.nodes.map((n) => ({ name: n.name, opType: n.op, domain: '', input: n.inputs, output: n.outputs, attribute: attributesToProto(n) })),
      initializer: [...model.initializers].map(([name, t]) => tensorToProto(name, t)),
      input: model.inputs.map(valueInfoProto),
      output: model.outputs.map(valueInfoProto),
    },
  });
}

export function encodeModel(model: Model): Uint8Array {
  return onnx.ModelProto.encode(modelToProto(model)).finish();
}

/** `?<n>` dims are sizes nothing named: written as a dim with neither value nor name. */
function valueInfoProto(t: TensorInfo): O.IValueInfoProto {
  const shape = t.unknownRank ? undefined : {
    dim: t.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : /^\?\d+$/.test(d) ? {} : { dimParam: d })),
  };
  return { name: t.name, type: { tensorType: { elemType: ONNX_OF_DTYPE[t.type], shape } } };
}
