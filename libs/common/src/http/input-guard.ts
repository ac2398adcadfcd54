import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors/app-error';
import { Msg } from '../i18n/i18n';
import { fieldName } from '../i18n/messages';
import { ErrorCode } from '../errors/error-codes';

/**
 * Limits on the shape of a JSON body, checked on the raw text before JSON.parse does any work.
 * No endpoint needs more than a few levels or a few hundred items; these leave ample room.
 */
export const JSON_MAX_DEPTH = 32;
export const JSON_MAX_ITEMS = 1000;

/**
 * One pass over the raw JSON text: the deepest nesting and the most items in one array or object.
 * Stops as soon as either limit is passed, so a 5,000-level body costs 33 steps of real work.
 */
export function checkJsonShape(text: string, maxDepth = JSON_MAX_DEPTH, maxItems = JSON_MAX_ITEMS): 'depth' | 'items' | null {
  const counts: number[] = [];
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      counts.push(0);
      if (counts.length > maxDepth) return 'depth';
    } else if (c === 0x5d || c === 0x7d) counts.pop();
    else if (c === 0x2c && counts.length > 0 && ++counts[counts.length - 1]! >= maxItems) return 'items';
  }
  return null;
}

/** Text PostgreSQL cannot store (NUL) or that is not valid Unicode (a lone surrogate). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isStorableText(s: string): boolean {
  return !s.includes('\u0000') && !LONE_SURROGATE.test(s);
}

/** The path of the first string (or key) in `value` that isStorableText refuses, else null. */
export function findUnstorableText(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return isStorableText(value) ? null : path || '(value)';
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findUnstorableText(value[i], `${path}[${i}]`);
      if (hit) return hit;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      if (!isStorableText(key)) return at;
      const hit = findUnstorableText(child, at);
      if (hit) return hit;
    }
  }
  return null;
}

export function invalidCharacters(field: string): AppError {
  return new AppError(ErrorCode.INVALID_CHARACTERS, {}, [
    { field, errors: [new Msg('validation.storableText', { field: fieldName(field) })] },
  ]);
}

/**
 * Installs, on the Fastify instance under Nest:
 * - the JSON body parser, which refuses bodies nested deeper than JSON_MAX_DEPTH or with more than
 *   JSON_MAX_ITEMS items in one array/object before parsing, and keeps Fastify's
 *   prototype-poisoning protection;
 * - a preValidation hook that refuses NUL and lone surrogates in the query, the path and the body.
 * Nest's own body parser must be off (`bodyParser: false`) so this one is the only one.
 */
export function installInputGuards(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    const problem = checkJsonShape(text);
    if (problem) {
      const error = new AppError(
        ErrorCode.REQUEST_TOO_COMPLEX,
        { context: problem, maxDepth: JSON_MAX_DEPTH, maxItems: JSON_MAX_ITEMS },
        { maxDepth: JSON_MAX_DEPTH, maxItems: JSON_MAX_ITEMS },
      );
      done(error, undefined);
      return;
    }
    void parseJson(request, text, done);
  });
  fastify.addHook('preValidation', (request: FastifyRequest, _reply, done) => {
    const hit =
      findUnstorableText(request.params, 'path') ??
      findUnstorableText(request.query, 'query') ??
      findUnstorableText(request.body, 'body');
    done(hit ? invalidCharacters(hit.replace(/^(path|query|body)\.?/, '') || hit) : undefined);
  });
}
