/** Redis error replies as HTTP errors: WRONGTYPE → 409, OOM → 507, CLUSTERDOWN → 503, other ERR → 400, anything else → 500. */
import { HttpException, HttpStatus } from '@nestjs/common';
import { ReplyError } from '../../../../libs/engine/src/commands/value-reply.js';

const STATUS_BY_CODE: Record<string, number> = {
  WRONGTYPE: HttpStatus.CONFLICT,
  OOM: HttpStatus.INSUFFICIENT_STORAGE,
  ERR: HttpStatus.BAD_REQUEST,
  CLUSTERDOWN: HttpStatus.SERVICE_UNAVAILABLE,
};

const NAMES: Record<number, string> = {
  [HttpStatus.CONFLICT]: 'Conflict',
  [HttpStatus.INSUFFICIENT_STORAGE]: 'Insufficient Storage',
  [HttpStatus.BAD_REQUEST]: 'Bad Request',
  [HttpStatus.SERVICE_UNAVAILABLE]: 'Service Unavailable',
  [HttpStatus.INTERNAL_SERVER_ERROR]: 'Internal Server Error',
};

export function replyErrorToHttp(err: ReplyError): HttpException {
  const status = STATUS_BY_CODE[err.code] ?? HttpStatus.INTERNAL_SERVER_ERROR;
  return new HttpException({ statusCode: status, message: err.message, error: NAMES[status] }, status);
}

/** Throw the HTTP form of a command's error reply; otherwise return the reply. */
export function unwrapReply(reply: unknown): unknown {
  if (reply instanceof ReplyError) throw replyErrorToHttp(reply);
  return reply;
}
