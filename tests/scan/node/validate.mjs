// Validates SARIF logs against the SARIF 2.1.0 JSON schema (draft-04, the rtm.5 schema
// that @microsoft/jest-sarif ships) and against GitHub code scanning's
// ingestion rules that the schema does not express. Prints one line per
// error and exits 1 when any file fails.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";

const require = createRequire(import.meta.url);
const schema = require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");

// The schema's "language" pattern has a stray "]" that is an error only in unicode mode.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);

// GitHub rejects or mangles these even when the schema accepts them.
function githubErrors(log) {
  const errors = [];
  for (const run of log.runs ?? []) {
    const rules = run.tool?.driver?.rules ?? [];
    const ids = new Set();
    for (const rule of rules) {
      if (ids.has(rule.id)) errors.push(`duplicate rule id ${rule.id}`);
      ids.add(rule.id);
      if (!rule.shortDescription?.text) errors.push(`rule ${rule.id} has no shortDescription`);
      if (!rule.fullDescription?.text) errors.push(`rule ${rule.id} has no fullDescription`);
      if (!rule.help?.text) errors.push(`rule ${rule.id} has no help text`);
      const sev = rule.properties?.["security-severity"];
      if (typeof sev !== "string" || !(Number(sev) >= 0 && Number(sev) <= 10))
        errors.push(`rule ${rule.id} has no security-severity between "0.0" and "10.0"`);
    }
    for (const [i, result] of (run.results ?? []).entries()) {
      const where = `result ${i} (${result.ruleId})`;
      if (!ids.has(result.ruleId)) errors.push(`${where}: ruleId not in the rules`);
      if (rules[result.ruleIndex]?.id !== result.ruleId) errors.push(`${where}: ruleIndex points elsewhere`);
      if (!result.message?.text) errors.push(`${where}: empty message`);
      if (!Array.isArray(result.locations) || result.locations.length === 0)
        errors.push(`${where}: no location`);
      for (const loc of result.locations ?? []) {
        const uri = loc.physicalLocation?.artifactLocation?.uri;
        if (!uri || uri.startsWith("/") || /^[a-z]+:/i.test(uri)) errors.push(`${where}: URI not relative: ${uri}`);
        const region = loc.physicalLocation?.region ?? {};
        if (!(region.startLine >= 1)) errors.push(`${where}: startLine below 1`);
      }
      if (!result.partialFingerprints || Object.keys(result.partialFingerprints).length === 0)
        errors.push(`${where}: no partialFingerprints`);
    }
  }
  return errors;
}

let failed = false;
for (const file of process.argv.slice(2)) {
  const log = JSON.parse(readFileSync(file, "utf8"));
  const errors = [];
  if (!validate(log)) {
    for (const e of validate.errors) errors.push(`schema: ${e.instancePath || "/"} ${e.message}`);
  }
  errors.push(...githubErrors(log));
  for (const e of errors) console.log(`${file}: ${e}`);
  if (errors.length > 0) failed = true;
  else console.log(`${file}: valid`);
}
process.exit(failed ? 1 : 0);
