import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { Language, languageFromHeader } from './i18n';

/** The caller's language, from Accept-Language (Vietnamese by default). */
export const RequestLanguage = createParamDecorator((_data: unknown, ctx: ExecutionContext): Language => {
  const request = ctx.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>();
  return languageFromHeader(request.headers['accept-language']);
});
