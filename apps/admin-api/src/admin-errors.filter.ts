/**
 * Errors as `{ statusCode, error, message }`: Nest's HttpExceptions already have that shape; a node that
 * cannot be reached becomes 503, a node's unexpected error reply 502, anything else 500 (logged).
 */
import { STATUS_CODES } from 'node:http';
import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import { NodeUnreachableError, isReplyError } from './cluster/node-pool.js';


@Catch()
export class AdminErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('AdminApi');

  catch(err: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<{ status(code: number): { json(body: unknown): void } }>();
    if (err instanceof HttpException) {
      const body = err.getResponse();
      const status = err.getStatus();
      response.status(status).json(typeof body === 'string' ? { statusCode: status, error: STATUS_CODES[status], message: body } : body);
      return;
    }
    let status = HttpStatus.INTERNAL_SERVER_ERROR;
    let message = 'internal error';
    if (err instanceof NodeUnreachableError) [status, message] = [HttpStatus.SERVICE_UNAVAILABLE, err.message];
    else if (isReplyError(err)) [status, message] = [HttpStatus.BAD_GATEWAY, `node replied: ${err.message}`];
    else this.logger.error((err as Error)?.stack ?? String(err));
    response.status(status).json({ statusCode: status, error: STATUS_CODES[status], message });
  }
}
