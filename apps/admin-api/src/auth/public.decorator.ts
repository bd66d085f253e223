/** Marks a controller or route as open without the admin token (health checks). */
import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'ringcache:public-route';
export const Public = (): ClassDecorator & MethodDecorator => SetMetadata(PUBLIC_ROUTE, true);
