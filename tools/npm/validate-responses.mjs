// Validates every API response recorded by the integration tests against api/openapi.yaml.
//
// Usage: node validate-responses.mjs OPENAPI_YAML RESPONSE_LOG
// RESPONSE_LOG holds one JSON object per line, {method, path, status, content_type, body} (body as text), written by
// tests/support/response_log.cpp. Each response is matched to its path template, method and status (or the
// status's "NXX" range, or "default"); its body must be valid for the response's schema (OpenAPI 3.1: JSON Schema
// 2020-12, checked by Ajv with ajv-formats) and its content type documented. A path that no template matches must
// get 404 and one whose method is not documented 405, both with the Error response, as info.description says.
// Exits 1 listing every violation, or when the log is missing or empty; 0 otherwise.
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { parse } from "yaml";

const SPEC_ID = "openapi.json";
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

const escapePointer = (segment) => String(segment).replaceAll("~", "~0").replaceAll("/", "~1");
const unescapePointer = (segment) => segment.replaceAll("~1", "/").replaceAll("~0", "~");

// Follows local $refs ("#/components/...") of a non-schema object; returns the object and its JSON pointer.
function resolve(spec, value, pointer) {
  const seen = new Set();
  while (value && typeof value.$ref === "string") {
    if (!value.$ref.startsWith("#/") || seen.has(value.$ref)) {
      throw new Error(`cannot resolve $ref ${value.$ref} at ${pointer}`);
    }
    seen.add(value.$ref);
    pointer = value.$ref;
    value = value.$ref.slice(2).split("/").map(unescapePointer).reduce((node, key) => node?.[key], spec);
  }
  return { value, pointer };
}

// Path templates as regular expressions; a template without parameters wins over one with (e.g. /a/b over /a/{x}).
function compileTemplates(spec) {
  return Object.keys(spec.paths ?? {})
    .map((template) => {
      const pattern = template
        .split("/")
        .map((part) => (/^\{[^}]+\}$/.test(part) ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
        .join("/");
      return { template, regex: new RegExp(`^${pattern}$`), literal: !template.includes("{") };
    })
    .sort((a, b) => Number(b.literal) - Number(a.literal));
}

class Validator {
  constructor(spec) {
    this.spec = spec;
    this.templates = compileTemplates(spec);
    this.ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(this.ajv);
    // The whole document is one schema resource, so "#/components/schemas/..." refs resolve inside it.
    this.ajv.addSchema(spec, SPEC_ID);
    this.counts = new Map();
  }

  // The documented response for a recorded one: {pointer, response, where} or {problem}.
  findResponse(entry) {
    const method = entry.method.toLowerCase();
    const path = entry.path.split("?")[0];
    const match = this.templates.find(({ regex }) => regex.test(path));
    const error = "#/components/responses/Error";
    if (!match) {
      return entry.status === 404
        ? { pointer: error, response: resolve(this.spec, { $ref: error }, "").value, where: "unrouted path" }
        : { problem: `no path template matches ${path} (only 404 is documented for that)` };
    }
    const operation = this.spec.paths[match.template][method];
    const where = `${method.toUpperCase()} ${match.template}`;
    if (!operation || !METHODS.includes(method)) {
      return entry.status === 405
        ? { pointer: error, response: resolve(this.spec, { $ref: error }, "").value, where: `${where} (not routed)` }
        : { problem: `${where} is not documented (only 405 is documented for that)` };
    }
    const responses = operation.responses ?? {};
    const key = [String(entry.status), `${String(entry.status)[0]}XX`, "default"].find((k) => k in responses);
    if (!key) {
      return { problem: `${where} documents no ${entry.status} response` };
    }
    const base = `#/paths/${escapePointer(match.template)}/${method}/responses/${escapePointer(key)}`;
    const { value, pointer } = resolve(this.spec, responses[key], base);
    return { pointer, response: value, where: `${where} ${key}` };
  }

  // The violations of one recorded response (an empty list when it is valid).
  check(entry) {
    const found = this.findResponse(entry);
    if (found.problem) {
      return [found.problem];
    }
    this.counts.set(found.where, (this.counts.get(found.where) ?? 0) + 1);
    const content = found.response.content ?? {};
    const mediaTypes = Object.keys(content);
    if (mediaTypes.length === 0) {
      return entry.body === "" ? [] : [`${found.where} documents no body, got ${entry.body.slice(0, 200)}`];
    }
    const type = (entry.content_type ?? "").split(";")[0].trim().toLowerCase();
    if (!mediaTypes.includes(type)) {
      return [`${found.where}: content type "${type}" is not documented (${mediaTypes.join(", ")})`];
    }
    if (!content[type].schema) {
      return [];
    }
    let body;
    try {
      body = JSON.parse(entry.body);
    } catch (e) {
      return [`${found.where}: the body is not JSON (${e.message}): ${entry.body.slice(0, 200)}`];
    }
    const schemaRef = `${SPEC_ID}${found.pointer}/content/${escapePointer(type)}/schema`;
    const validate = this.ajv.getSchema(schemaRef);
    if (validate(body)) {
      return [];
    }
    return validate.errors.map(
      (e) => `${found.where}: ${e.instancePath || "(body)"} ${e.message} ${JSON.stringify(e.params)} [${e.schemaPath}]`,
    );
  }
}

function readLog(file) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new Error(`no response log at ${file} (${e.code}): run the API integration tests with BULKMSG_RESPONSE_LOG`);
  }
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  if (lines.length === 0) {
    throw new Error(`the response log ${file} is empty: the API integration tests recorded nothing`);
  }
  return lines.map((line, i) => {
    try {
      return JSON.parse(line);
    } catch (e) {
      throw new Error(`${file}:${i + 1} is not a JSON line (${e.message})`);
    }
  });
}

function main([specFile, logFile]) {
  if (!specFile || !logFile) {
    throw new Error("usage: validate-responses.mjs OPENAPI_YAML RESPONSE_LOG");
  }
  const validator = new Validator(parse(readFileSync(specFile, "utf8")));
  const entries = readLog(logFile);
  const violations = [];
  for (const entry of entries) {
    for (const problem of validator.check(entry)) {
      violations.push(`${entry.method} ${entry.path.slice(0, 120)} → ${entry.status}: ${problem}`);
    }
  }
  for (const [where, n] of [...validator.counts].sort()) {
    console.log(`  ${String(n).padStart(5)}  ${where}`);
  }
  if (violations.length > 0) {
    console.error(`validate-responses: ${violations.length} violations of ${specFile} in ${entries.length} responses:`);
    for (const v of violations) {
      console.error(`  ${v}`);
    }
    return 1;
  }
  console.log(`validate-responses: ${entries.length} responses match ${specFile}`);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  console.error(`validate-responses: ${e.message}`);
  process.exitCode = 1;
}
