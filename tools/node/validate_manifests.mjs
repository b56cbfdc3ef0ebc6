#!/usr/bin/env node
// Validates Kubernetes manifests against the Kubernetes API's OpenAPI schemas (kubernetes-models:
// types, required fields, allowed values; unknown fields are not reported) and prints every document
// as JSON, so that the tests can read rendered manifests without a YAML library.
//   node tools/node/validate_manifests.mjs FILE.yaml|-     (- reads standard input, e.g. kubectl kustomize)
// Prints {"documents": [...], "errors": [{"document", "kind", "name", "message"}]}; exit 1 when any
// document is invalid or of a kind without a schema, 2 on bad usage.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const source = process.argv[2];
if (!source) {
  console.error("usage: node validate_manifests.mjs FILE.yaml|-");
  process.exit(2);
}
const text = readFileSync(source === "-" ? 0 : source, "utf8");
const documents = [];
const errors = [];
for (const [index, parsed] of parseAllDocuments(text).entries()) {
  if (parsed.errors.length > 0) {
    errors.push({ document: index, kind: null, name: null, message: `not YAML: ${parsed.errors[0].message}` });
    continue;
  }
  const doc = parsed.toJS();
  if (doc === null) continue;
  documents.push(doc);
  const kind = doc.kind, name = doc.metadata?.name ?? null;
  const apiVersion = String(doc.apiVersion ?? "");
  let Model;
  try {
    Model = (await import(`kubernetes-models/${apiVersion}/${kind}`))[kind];
  } catch {
    Model = undefined;
  }
  if (typeof Model !== "function") {
    errors.push({ document: index, kind, name, message: `no schema for apiVersion '${apiVersion}' kind '${kind}'` });
    continue;
  }
  try {
    new Model(doc).validate();
  } catch (e) {
    errors.push({ document: index, kind, name, message: e.message });
  }
}
console.log(JSON.stringify({ documents, errors }, null, 1));
process.exit(errors.length > 0 ? 1 : 0);
