import type { INestApplication, Type } from '@nestjs/common';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { OperationObject, ParameterObject, ResponseObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ThrottlerGuard } from '@nestjs/throttler';
import { API_ERRORS_KEY, AppConfig, ErrorCode, httpStatusOf, IS_PUBLIC_KEY, ROLES_KEY, translate } from '@app/common';
import { OptionalJwtAuthGuard } from '@app/common/http';
import metadata from './openapi-metadata';

const TAGS: [string, string][] = [
  ['auth', 'Signing in, tokens, firm registration, and the signed-in user (/me).'],
  ['admin', 'Staff accounts and city departments (administrators).'],
  ['areas', 'Hai Phong and its wards, communes and special zones, with dated population figures.'],
  ['enterprises', 'The registry of digital-technology enterprises: registration, profiles, members, verification.'],
  ['indicators', 'The public indicator: digital-technology enterprises per 1,000 population.'],
  ['problems', 'Practical problems the city posts: drafts, publishing, amendments, cancellation.'],
  ['clarifications', 'Questions firms ask about a problem and the department’s answers.'],
  ['matching', 'Suggested firms, invitations, followed problems and recommendations.'],
  ['proposals', 'Sealed proposals: submission, revision, withdrawal, receipts and attachments.'],
  ['evaluation', 'Panels, conflict-of-interest declarations, scores, ranking, award and result.'],
  ['notifications', 'The signed-in user’s notifications.'],
  ['trust', 'The hash-chained audit log and the OCDS open-contracting feed.'],
  ['enterprise-imports', 'The baseline import of the city’s official list of digital-technology enterprises (administrators).'],
  ['health', 'Whether the service and its database and queue are up.'],
  ['calendar', 'The city calendar: public holidays besides weekends, by which working-day periods are counted.'],
  [
    'complaints',
    'The standstill after a decision, bidders’ complaints, the department’s answers and the reviewing admin’s decisions.',
  ],
  [
    'orders',
    'The order after the award: agreed milestones, pilot and scale-up, delivery, variations, outcome, track record and the catalogue of proven solutions.',
  ],
];

interface HandlerFacts {
  isPublic: boolean;
  optionalAuth: boolean;
  roles: string[];
  throttled: boolean;
  errors: ErrorCode[];
}

/** What the guards and decorators say about every handler, by method name (= operationId). */
function handlerFacts(app: INestApplication): Map<string, HandlerFacts> {
  const reflector = new Reflector();
  const facts = new Map<string, HandlerFacts>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (!controller) continue;
      const classGuards = (Reflect.getMetadata('__guards__', controller) as unknown[] | undefined) ?? [];
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function' || !Reflect.getMetadata('path', handler)) continue;
        const guards = [...classGuards, ...((Reflect.getMetadata('__guards__', handler) as unknown[] | undefined) ?? [])];
        facts.set(name, {
          isPublic: reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, [handler, controller]) ?? false,
          optionalAuth: guards.includes(OptionalJwtAuthGuard),
          roles: reflector.getAllAndOverride<string[]>(ROLES_KEY, [handler, controller]) ?? [],
          throttled: guards.includes(ThrottlerGuard),
          errors: (Reflect.getMetadata(API_ERRORS_KEY, handler) as ErrorCode[] | undefined) ?? [],
        });
      }
    }
  }
  return facts;
}

const ERROR_BODY_REF = { $ref: '#/components/schemas/ErrorBody' };

/** Adds what every operation of its kind shares: security, shared error codes, uuid ids. */
function completeOperation(operation: OperationObject, facts: HandlerFacts): void {
  const codes = new Set<ErrorCode>(facts.errors);
  const hasInput = (operation.parameters ?? []).length > 0 || !!operation.requestBody;
  if (hasInput) codes.add(ErrorCode.VALIDATION_FAILED);
  // Checked on every request before it reaches its route (libs/common/src/http/input-guard.ts): NUL or
  // broken Unicode anywhere in the path, query or body, and a JSON body that is malformed or too deep or
  // wide, even where the operation expects none.
  codes.add(ErrorCode.INVALID_CHARACTERS);
  codes.add(ErrorCode.INVALID_JSON);
  codes.add(ErrorCode.REQUEST_TOO_COMPLEX);
  if (operation.requestBody) {
    codes.add(ErrorCode.PAYLOAD_TOO_LARGE);
    codes.add(ErrorCode.UNSUPPORTED_MEDIA_TYPE);
  }
  if (!facts.isPublic || facts.optionalAuth) codes.add(ErrorCode.UNAUTHENTICATED);
  if (facts.roles.length > 0) codes.add(ErrorCode.ROLE_FORBIDDEN);
  if (facts.throttled) codes.add(ErrorCode.RATE_LIMITED);
  // Any operation may find the database unreachable (503 with Retry-After).
  codes.add(ErrorCode.DATABASE_UNAVAILABLE);

  // Public: an explicit empty list (no credentials); optional: none or a bearer token.
  if (facts.isPublic && !facts.optionalAuth) operation.security = [];
  else operation.security = facts.isPublic ? [{}, { bearer: [] }] : [{ bearer: [] }];

  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(httpStatusOf(code), [...(byStatus.get(httpStatusOf(code)) ?? []), code]);
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    const response: ResponseObject = {
      description: `Error: ${list.map((c) => `\`${c}\``).join(', ')}`,
      content: { 'application/json': { schema: ERROR_BODY_REF } },
    };
    operation.responses[String(status)] = response;
  }
  const listed = [...byStatus].sort(([a], [b]) => a - b).flatMap(([status, list]) => list.map((c) => `\`${c}\` (${status})`));
  const who = facts.isPublic
    ? facts.optionalAuth
      ? 'Public; a signed-in caller may see more.'
      : 'Public.'
    : `Signed in${facts.roles.length ? ` as ${facts.roles.join(' or ')}` : ''}.`;
  operation.description = `${operation.description ?? ''}\n\n${who}\n\nError codes: ${listed.join(', ')}.`.trim();

  for (const parameter of (operation.parameters ?? []) as ParameterObject[]) {
    if (parameter.in === 'path' && /^(id|qid|[a-z]+Id)$/.test(parameter.name))
      parameter.schema = { type: 'string', format: 'uuid' };
  }
}

/**
 * The OpenAPI document: built from the same DTO and view classes the code uses (through the
 * swagger plugin's metadata), with stable operationIds (the handler names), summaries and
 * descriptions from @ApiDoc, shared error responses and security per operation.
 */
export async function createOpenApiDocument(app: INestApplication): Promise<OpenAPIObject> {
  await SwaggerModule.loadPluginMetadata(metadata);
  const builder = new DocumentBuilder()
    .setTitle('Hai Phong Solution Marketplace API')
    .setDescription(
      'Departments post practical problems; digital-technology firms bid sealed proposals; evaluators score; the city awards. ' +
        'Every error has one shape (`ErrorBody`) with a stable `code`; `message` follows `Accept-Language` (Vietnamese by default, `en` for English).',
    )
    .setVersion('1')
    .addServer(app.get(AppConfig).get('PUBLIC_URL'), 'This deployment')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer');
  for (const [name, description] of TAGS) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build(), {
    operationIdFactory: (_controller, method) => method,
  });
  document.components = document.components ?? {};
  document.components.schemas = {
    ...document.components.schemas,
    ErrorBody: {
      type: 'object',
      description: 'Every error response. `code` is stable; `message` is in the language asked for.',
      required: ['statusCode', 'code', 'message'],
      properties: {
        statusCode: { type: 'integer', example: 404 },
        code: { type: 'string', enum: Object.values(ErrorCode), example: ErrorCode.PROBLEM_NOT_FOUND },
        message: { type: 'string', example: translate('vi', 'errors.PROBLEM_NOT_FOUND') },
        details: { description: 'Structured facts about the error, e.g. one entry per invalid field for VALIDATION_FAILED.' },
      },
    },
  };
  const facts = handlerFacts(app);
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const operation = item[method];
      if (!operation?.operationId) continue;
      const found = facts.get(operation.operationId);
      if (found) completeOperation(operation, found);
    }
  }
  return document;
}
