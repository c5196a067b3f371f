/** A JSON Schema (OpenAPI 3.1 dialect) as plain data; emitters build and print these, never validate with them. */
export type JsonSchema = Record<string, unknown>;
