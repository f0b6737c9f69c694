/**
 * The graph IR that loadOnnx produces and the graph passes rewrite. Plain data: the passes return
 * new models and never mutate the one they are given.
 *
 * Attributes the passes add (a later executor reads them; ONNX has no such attributes):
 *  - `activation`: {type, params} on a Conv / ConvTranspose / Gemm whose output went through an
 *    activation that was fused into it (see FusedActivation for each type's params). The node's
 *    output then is the activation's output.
 *  - `fusedFrom`: string[] names of the nodes folded or fused into this one (BatchNormalization,
 *    the bias Add, the activation), in order — kept so per-node settings such as keepFloat and
 *    error messages can still be traced to the original model.
 */
import type { DType, Tensor } from '../tensor.js';

/** A dimension: a size, or a symbolic name (`batch`, or `?<n>` for one that nothing names). */
export type Dim = number | string;

export interface TensorInfo {
  name: string;
  type: DType;
  dims: Dim[];
  /** Set when the model does not give the rank (a graph input without a shape); dims is then []. */
  unknownRank?: true;
}

/**
 * An activation fused into its producer. params by type:
 * Relu [], Sigmoid [], Clip [min, max] (±Infinity when open), LeakyRelu [alpha],
 * HardSigmoid [alpha, beta], HardSwish [] (x · HardSigmoid(x; 1/6, 0.5)).
 */
export interface FusedActivation {
  type: ActivationType;
  params: number[];
}
export type ActivationType = 'Relu' | 'Sigmoid' | 'Clip' | 'LeakyRelu' | 'HardSigmoid' | 'HardSwish';

export type AttributeValue = number | string | number[] | string[] | Tensor | FusedActivation;

export interface NodeInfo {
  name: string;
  op: string;
  /** Inputs by name; '' marks an absent optional input. */
  inputs: string[];
  outputs: string[];
  attributes: Record<string, AttributeValue>;
}

export interface Model {
  /** The feeds: graph inputs that are not initializers. */
  inputs: TensorInfo[];
  /** Graph outputs, in the model's order. */
  outputs: TensorInfo[];
  /** In topological order. */
  nodes: NodeInfo[];
  initializers: Map<string, Tensor>;
  /** Version of the default ('' / 'ai.onnx') operator set. */
  opset: number;
  /** Type and dims of every value shape inference could type (inputs, outputs and intermediates). */
  valueInfo: Map<string, TensorInfo>;
}

export function isFusedActivation(v: AttributeValue | undefined): v is FusedActivation {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && 'params' in v && !('dims' in v);
}
