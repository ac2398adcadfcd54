import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { getQueueToken } from '@nestjs/bullmq';
import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { JwtService } from '@nestjs/jwt';
import { ApiDoc, AppConfig, AppError, ErrorCode, languageFromHeader, Roles } from '@app/common';
import { toErrorBody } from '@app/common/http';
import { AuthService, type AccessTokenPayload } from '@app/identity';
import { QUEUES } from '@app/jobs';

export const QUEUE_DASHBOARD_PATH = '/api/admin/queues';
const COOKIE = 'hpsm_queues';

/** The access token from `Authorization: Bearer` or, for a browser, the dashboard cookie. */
function tokenOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7);
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE) return decodeURIComponent(value.join('='));
  }
  return null;
}

/**
 * The queue dashboard (bull-board) at /api/admin/queues, for admins only: every request under it
 * must carry an admin's valid access token, as a Bearer header or in the cookie that
 * POST /api/v1/admin/queues/session sets (so a browser tab can open the page).
 */
export async function mountQueueDashboard(app: NestFastifyApplication): Promise<void> {
  const jwt = app.get(JwtService);
  const auth = app.get(AuthService);
  const queues = Object.values(QUEUES).map((name) => new BullMQAdapter(app.get<Queue>(getQueueToken(name), { strict: false })));
  const serverAdapter = new FastifyAdapter();
  createBullBoard({ queues, serverAdapter, options: { uiConfig: { boardTitle: 'Hai Phong Marketplace — queues' } } });
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);

  await app.register(async (scope: FastifyInstance) => {
    scope.addHook('onRequest', async (request, reply) => {
      let payload: AccessTokenPayload | null = null;
      try {
        const token = tokenOf(request);
        payload = token ? await jwt.verifyAsync<AccessTokenPayload>(token) : null;
      } catch {
        payload = null;
      }
      const user = payload ? await auth.userForAccessToken(payload) : null;
      const error = !user
        ? new AppError(ErrorCode.UNAUTHENTICATED, { context: 'queues' })
        : user.role !== 'admin'
          ? new AppError(ErrorCode.ROLE_FORBIDDEN, { context: 'queues' })
          : null;
      if (error) {
        const { body } = toErrorBody(error, languageFromHeader(request.headers['accept-language']));
        return reply.status(body.statusCode).send(body);
      }
    });
    await scope.register(serverAdapter.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH });
  });
}

@ApiTags('admin')
@ApiBearerAuth()
@Controller({ path: 'admin/queues', version: '1' })
export class QueueDashboardController {
  constructor(private readonly config: AppConfig) {}

  /** Sets a short-lived, HttpOnly cookie with the caller's access token, scoped to the dashboard path. */
  @Roles('admin')
  @Post('session')
  @HttpCode(204)
  @ApiNoContentResponse({ description: `Cookie set; open ${QUEUE_DASHBOARD_PATH}` })
  @ApiDoc({
    summary: 'Open a queue dashboard session',
    description: `Sets a short-lived, HttpOnly cookie with the caller’s access token, scoped to ${QUEUE_DASHBOARD_PATH}, so a browser can open the queue dashboard (administrators only).`,
    errors: [],
  })
  openQueueDashboardSession(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): void {
    const token = (request.headers.authorization ?? '').slice(7);
    const secure = this.config.get('PUBLIC_URL').startsWith('https:') ? '; Secure' : '';
    void reply.header(
      'set-cookie',
      `${COOKIE}=${encodeURIComponent(token)}; Path=${QUEUE_DASHBOARD_PATH}; HttpOnly; SameSite=Strict; Max-Age=${this.config.get('JWT_ACCESS_TTL_SECONDS')}${secure}`,
    );
  }
}
