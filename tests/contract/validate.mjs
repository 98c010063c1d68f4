// Validates request bodies against Klaviyo's own OpenAPI schemas (one JSON body per line in
// <operation>[.anything].jsonl files, where <operation> names ../shared/data/klaviyo-openapi/
// <revision>/<operation>.json). OpenAPI 3.0 schemas are turned into JSON Schema first:
// `nullable` becomes a null alternative, and every object that lists its properties gets
// `additionalProperties: false`, because Klaviyo answers an unknown attribute with 400 "'x' is
// not a valid field" (klaviyo-api.md §4.5) even though the published schemas do not say so.
//
//   node validate.mjs <schema-dir> <payload-dir> [--expect-invalid] [--require op1,op2,...]
//
// Exit 0 when every body is valid (or, with --expect-invalid, when every body is refused).
import Ajv from "ajv";
import addFormats from "ajv-formats";
import fs from "node:fs";
import path from "node:path";

const args = process.argv.slice(2);
const expectInvalid = args.includes("--expect-invalid");
const requireIdx = args.indexOf("--require");
const required = requireIdx >= 0 ? args[requireIdx + 1].split(",") : [];
const [schemaDir, payloadDir] = args.filter(
  (a, i) => !a.startsWith("--") && (requireIdx < 0 || i !== requireIdx + 1));
if (!schemaDir || !payloadDir) {
  console.error("usage: node validate.mjs <schema-dir> <payload-dir> [--expect-invalid] [--require ops]");
  process.exit(2);
}

function convert(node) {
  if (Array.isArray(node)) return node.map(convert);
  if (node === null || typeof node !== "object") return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "example" || k === "examples" || k.startsWith("x-")) continue;
    out[k] = convert(v);
  }
  if (out.properties && typeof out.properties === "object" && out.additionalProperties === undefined)
    out.additionalProperties = false;
  if (out.nullable === true) {
    delete out.nullable;
    if (out.$ref) return { anyOf: [{ $ref: out.$ref }, { type: "null" }] };
    if (out.oneOf) out.oneOf = [...out.oneOf, { type: "null" }];
    else if (out.anyOf) out.anyOf = [...out.anyOf, { type: "null" }];
    else if (out.type) out.type = [out.type, "null"];
    if (out.enum) out.enum = [...out.enum, null];
  } else if (out.nullable === false) {
    delete out.nullable;
  }
  return out;
}

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validators = new Map();
function validatorFor(operation) {
  if (validators.has(operation)) return validators.get(operation);
  const file = path.join(schemaDir, `${operation}.json`);
  if (!fs.existsSync(file)) throw new Error(`no schema ${file} for payload file prefix "${operation}"`);
  const doc = JSON.parse(fs.readFileSync(file, "utf8"));
  let root = null;
  for (const item of Object.values(doc.paths))
    for (const op of Object.values(item))
      if (op.operationId === operation)
        root = op.requestBody.content["application/vnd.api+json"].schema.$ref;
  if (!root) throw new Error(`${file} has no request body for operation ${operation}`);
  const id = `klaviyo-${operation}`;
  ajv.addSchema({ $id: id, components: convert(doc.components) });
  const validate = ajv.compile({ $ref: `${id}${root}` });
  validators.set(operation, validate);
  return validate;
}

const files = fs.readdirSync(payloadDir).filter((f) => f.endsWith(".jsonl")).sort();
let bodies = 0;
let failures = 0;
const seen = new Set();
for (const f of files) {
  const operation = f.split(".")[0];
  const validate = validatorFor(operation);
  const lines = fs.readFileSync(path.join(payloadDir, f), "utf8").split("\n");
  lines.forEach((line, i) => {
    if (line.trim() === "" || line.startsWith("//")) return;
    ++bodies;
    seen.add(operation);
    const where = `${f}:${i + 1}`;
    let body;
    try {
      body = JSON.parse(line);
    } catch (e) {
      ++failures;
      console.error(`${where}: not JSON: ${e.message}`);
      return;
    }
    const ok = validate(body);
    if (expectInvalid) {
      if (ok) {
        ++failures;
        console.error(`${where}: a broken payload passed the ${operation} schema`);
      } else {
        console.log(`${where}: refused as expected: ${ajv.errorsText(validate.errors)}`);
      }
    } else if (!ok) {
      ++failures;
      console.error(`${where}: violates ${operation}: ${ajv.errorsText(validate.errors, { separator: "\n  " })}`);
    }
  });
}
for (const op of required)
  if (!seen.has(op)) {
    ++failures;
    console.error(`no ${op} payload was checked`);
  }
if (bodies === 0) {
  console.error(`no payloads found in ${payloadDir}`);
  process.exit(1);
}
console.log(`${bodies} bodies checked in ${files.length} files, ${failures} failures`);
process.exit(failures ? 1 : 0);
