#!/usr/bin/env node
// Runs an ONNX model in onnxruntime-node: every input NAME is read from IN_DIR/NAME.npy, every output
// is written to OUT_DIR/NAME.npy (float32, int64 or bool). Used by OnnxCd's tests to run compiled CD models in a runtime that
// is not OnnxCd's.  Usage: node tools/node/run_model.js MODEL.onnx IN_DIR OUT_DIR
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

const DTYPES = { '<f4': ['float32', Float32Array], '<i8': ['int64', BigInt64Array], '|b1': ['bool', Uint8Array] };

function readNpy(file) {
  const bytes = fs.readFileSync(file);
  if (bytes.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${file} is not a .npy file`);
  const major = bytes[6];
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = bytes.toString('latin1', start, start + headerLength);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  if (!(descr in DTYPES)) throw new Error(`${file}: dtype ${descr} is not supported (float32 or int64 only)`);
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${file}: Fortran order is not supported`);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').map(s => s.trim()).filter(s => s.length > 0).map(Number);
  const [type, ArrayType] = DTYPES[descr];
  const offset = start + headerLength;
  const data = new ArrayType(bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + bytes.length));
  return new ort.Tensor(type, data, shape);
}

function writeNpy(file, tensor) {
  const descr = Object.keys(DTYPES).find(k => DTYPES[k][0] === tensor.type);
  if (descr === undefined) throw new Error(`output type ${tensor.type} is not supported`);
  const shape = tensor.dims.length === 1 ? `(${tensor.dims[0]},)` : `(${tensor.dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const prefix = Buffer.alloc(10);
  prefix.write('\x93NUMPY', 0, 'latin1');
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  const data = Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  fs.writeFileSync(file, Buffer.concat([prefix, Buffer.from(header, 'latin1'), data]));
}

async function main() {
  const [modelPath, inDir, outDir] = process.argv.slice(2);
  if (outDir === undefined) {
    console.error('usage: node run_model.js MODEL.onnx IN_DIR OUT_DIR');
    process.exit(2);
  }
  const session = await ort.InferenceSession.create(modelPath, { executionProviders: ['cpu'] });
  const feeds = {};
  for (const name of session.inputNames) feeds[name] = readNpy(path.join(inDir, `${name}.npy`));
  const results = await session.run(feeds);
  fs.mkdirSync(outDir, { recursive: true });
  for (const name of session.outputNames) writeNpy(path.join(outDir, `${name}.npy`), results[name]);
  console.log(`onnxruntime-node ${ort.env.versions.node}: ran ${modelPath}, wrote ${session.outputNames.join(', ')} to ${outDir}`);
}

main().catch(error => {
  console.error(`run_model.js: ${error.message}`);
  process.exit(1);
});
