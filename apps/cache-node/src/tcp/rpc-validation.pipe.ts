/** A ValidationPipe for message patterns: a bad payload becomes an RpcException naming the first problems. */
import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';

function messages(errors: ValidationError[], parent = ''): string[] {
  const out: string[] = [];
  for (const error of errors) {
    const path = parent ? `${parent}.${error.property}` : error.property;
    if (error.constraints) out.push(...Object.values(error.constraints));
    if (error.children?.length) out.push(...messages(error.children, path));
  }
  return out;
}

export function rpcValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    // A payload that is not an object at all (send('get', 'k')) must fail, not pass unvalidated.
    forbidUnknownValues: true,
    exceptionFactory: (errors) => new RpcException(messages(errors).join('; ') || 'invalid payload'),
  });
}
