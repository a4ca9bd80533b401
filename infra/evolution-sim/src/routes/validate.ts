// A few jsonschema keywords with the exact messages Evolution's `dataValidate` produces.

export type FieldType = 'string' | 'integer' | 'boolean' | 'array' | 'object';

export interface ObjectSpec {
  required?: string[];
  types?: Record<string, FieldType>;
  /** Evolution replaces a field's message by the schema `description` when there is one. */
  descriptions?: Record<string, string>;
  enums?: Record<string, readonly string[]>;
  nested?: Record<string, ObjectSpec>;
  /**
   * Evolution's isNotEmpty(...names): an if/then that applies only when every key of the object is
   * one of `names`; then each string among them must not be empty.
   */
  notEmpty?: string[];
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasType(value: unknown, type: FieldType): boolean {
  switch (type) {
    case 'integer':
      return Number.isInteger(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    default:
      return typeof value === type;
  }
}

/**
 * Messages in jsonschema order (properties before `required`), with the `instance.` prefix removed
 * the way Evolution does it: `delay is not of a type(s) integer`, `instance requires property "text"`.
 */
export function validateBody(body: unknown, spec: ObjectSpec, path = 'instance'): string[] {
  const strip = (m: string) => m.replace('instance.', '');
  if (!isObject(body)) return [strip(`${path} is not of a type(s) object`)];
  const errors: string[] = [];
  for (const [field, type] of Object.entries(spec.types ?? {})) {
    const value = body[field];
    if (value === undefined) continue;
    if (!hasType(value, type)) {
      errors.push(spec.descriptions?.[field] ?? strip(`${path}.${field} is not of a type(s) ${type}`));
      continue;
    }
    const allowed = spec.enums?.[field];
    if (allowed && Array.isArray(value)) {
      value.forEach((item, i) => {
        if (!allowed.includes(item as string)) {
          errors.push(strip(`${path}.${field}[${i}] is not one of enum values: ${allowed.join(',')}`));
        }
      });
    }
    const nested = spec.nested?.[field];
    if (nested) errors.push(...validateBody(value, nested, `${path}.${field}`));
  }
  for (const field of spec.required ?? []) {
    if (body[field] === undefined) errors.push(strip(`${path} requires property "${field}"`));
  }
  const names = spec.notEmpty;
  if (names && Object.keys(body).every((k) => names.includes(k))) {
    for (const field of names) if (body[field] === '') errors.push(`The "${field}" cannot be empty`);
  }
  return errors;
}
