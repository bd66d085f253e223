/**
 * The optional bearer token: with `--admin-token T`, every route not marked @Public() needs
 * `Authorization: Bearer T`, else 401 with the reason. Both sides are hashed before the constant-time
 * compare, so neither the token's bytes nor its length leak through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ADMIN_CONFIG, type AdminConfig } from '../admin-config.js';
import { PUBLIC_ROUTE } from './public.decorator.js';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: Buffer | undefined;

  constructor(
    @Inject(ADMIN_CONFIG) config: AdminConfig,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {
    this.expected = config.adminToken === '' ? undefined : digest(config.adminToken);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.expected === undefined) return true;
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()])) return true;
    const header = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers.authorization;
    if (header === undefined) throw unauthorized('missing Authorization header (want "Bearer <admin token>")');
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!match) throw unauthorized('Authorization header is not a bearer token');
    if (!timingSafeEqual(digest(match[1]!), this.expected)) throw unauthorized('invalid admin token');
    return true;
  }
}

function unauthorized(message: string): UnauthorizedException {
  return new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message });
}
