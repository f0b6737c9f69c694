/** The ONNX ops (default domain) int8rt can run; anything else is refused at load time. */
export const SUPPORTED_OPS: ReadonlySet<string> = new Set([
  'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Sqrt', 'Exp', 'Log', 'Neg', 'Abs', 'Erf', 'Tanh', 'Sigmoid', 'Relu',
  'LeakyRelu', 'PRelu', 'Clip', 'HardSigmoid', 'HardSwish', 'Gelu', 'Softmax', 'LogSoftmax', 'Conv',
  'ConvTranspose', 'Gemm', 'MatMul', 'BatchNormalization', 'LayerNormalization', 'InstanceNormalization', 'LRN',
  'MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'Resize', 'Concat', 'Split', 'Slice', 'Reshape',
  'Flatten', 'Transpose', 'Squeeze', 'Unsqueeze', 'Shape', 'Cast', 'Constant', 'ConstantOfShape', 'Gather', 'Pad',
  'Identity', 'Dropout', 'Sum', 'Mean', 'Max', 'Min', 'ReduceMean', 'ReduceSum', 'ReduceMax', 'Expand', 'Where',
  'Equal', 'Tile', 'QuantizeLinear', 'DequantizeLinear',
]);

/** Opsets of the default domain int8rt reads. */
export const MIN_OPSET = 7;
export const MAX_OPSET = 21;
