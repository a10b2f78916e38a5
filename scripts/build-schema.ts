/**
 * Generates schema/vanban-output.schema.json, the JSON Schema of the JSON
 * output, from its TypeScript type (JsonOutput in src/types.ts), so the two
 * cannot drift: `npm run schema` after changing the type; a test checks the
 * shipped file is current and validates real outputs against it.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';

export const SCHEMA_FILE = fileURLToPath(new URL('../schema/vanban-output.schema.json', import.meta.url));

export function buildSchema(): string {
  const schema = createGenerator({
    path: fileURLToPath(new URL('../src/types.ts', import.meta.url)),
    tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)),
    type: 'JsonOutput',
    expose: 'export',
    topRef: true,
    jsDoc: 'extended',
    additionalProperties: false,
    skipTypeCheck: true,
  }).createSchema('JsonOutput');
  schema.$id = 'https://github.com/vanban/vanban/schema/vanban-output.schema.json';
  schema.title = 'vanban JSON output';
  return `${JSON.stringify(schema, null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(SCHEMA_FILE, buildSchema());
  console.log(`wrote ${SCHEMA_FILE}`);
}
