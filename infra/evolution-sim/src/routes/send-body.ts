// The sendText body, validated with the messages Evolution's jsonschema produces (v2 and v1 shapes).
import { badRequest, internal, validationError } from '../errors.ts';
import type { InstanceRecord } from '../store.ts';
import { isObject, validateBody, type ObjectSpec } from './validate.ts';

const V2_BODY: ObjectSpec = {
  required: ['number', 'text'],
  types: {
    number: 'string',
    text: 'string',
    delay: 'integer',
    linkPreview: 'boolean',
    mentioned: 'array',
    quoted: 'object',
  },
  descriptions: { number: 'Invalid format', delay: 'Enter a value in milliseconds' },
};
const V1_BODY: ObjectSpec = {
  required: ['textMessage', 'number'],
  types: { number: 'string', options: 'object', textMessage: 'object' },
  descriptions: { number: 'Invalid format' },
  nested: {
    textMessage: { required: ['text'], types: { text: 'string' } },
    options: { types: { delay: 'integer', linkPreview: 'boolean', presence: 'string' } },
  },
};

export interface SendRequest {
  number: string;
  text: string;
  delay?: number;
  linkPreview?: boolean;
}

/**
 * Validation runs in the router; then the controller calls `waMonitor.waInstances[name].textMessage`,
 * which is where an instance this server does not host fails, before its own "Text is required".
 */
export function parseSendBody(instance: InstanceRecord, body: unknown, hosted: boolean): SendRequest {
  const v1 = instance.server.version === 'v1';
  const errors = validateBody(body, v1 ? V1_BODY : V2_BODY);
  if (errors.length > 0) throw validationError(errors);
  if (!hosted) throw internal("Cannot read properties of undefined (reading 'textMessage')");
  const b = body as Record<string, unknown>;
  if (v1) {
    const text = (b.textMessage as { text: string }).text;
    if (!text.trim()) throw validationError(['The "text" cannot be empty']);
    const options = isObject(b.options) ? b.options : {};
    return {
      number: b.number as string,
      text,
      delay: options.delay as number | undefined,
      linkPreview: options.linkPreview as boolean | undefined,
    };
  }
  // textMessage's own check, after validation: a blank text is not a schema error.
  if (!(b.text as string).trim()) throw badRequest('Text is required');
  return {
    number: b.number as string,
    text: b.text as string,
    delay: b.delay as number | undefined,
    linkPreview: b.linkPreview as boolean | undefined,
  };
}
